package io.ssemux.examples.photojobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example's own settings, {@code photo-jobs.*}. The largest photo is Spring's
 * {@code spring.servlet.multipart.max-file-size}.
 *
 * @param dataDir   where the users' project folders and the uploads waiting for their job go
 * @param stepPause how long a job waits after each step, so that a person can watch it move
 * @param maxJobs   jobs waiting or running at once; one more upload gets 503 with Retry-After
 */
@ConfigurationProperties("photo-jobs")
record PhotoJobsProperties(
        Path dataDir,
        @DefaultValue("300ms") Duration stepPause,
        @DefaultValue("16") int maxJobs) {
    PhotoJobsProperties {
        Objects.requireNonNull(dataDir, "photo-jobs.data-dir");
        if (stepPause.isNegative()) {
            throw new IllegalArgumentException("photo-jobs.step-pause: " + stepPause + " (expected: >= 0)");
        }
        if (maxJobs < 1) {
            throw new IllegalArgumentException("photo-jobs.max-jobs: " + maxJobs + " (expected: > 0)");
        }
    }
}
