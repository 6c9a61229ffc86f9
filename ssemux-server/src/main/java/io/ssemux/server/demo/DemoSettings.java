package io.ssemux.server.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the photo-jobs demo: an immutable value.
 *
 * @param dataDir       where project folders live
 * @param maxPhotoBytes the largest photo an upload may carry
 * @param workers       jobs that run at once
 * @param queueCapacity jobs that may wait; one more gets 503
 * @param stepPause     how long a job waits after each progress step, so a person can watch it
 * @param maxUploads    uploads whose bodies may be arriving at once; one more gets 503 before its body is read
 */
public record DemoSettings(
        Path dataDir, int maxPhotoBytes, int workers, int queueCapacity, Duration stepPause, int maxUploads) {
    public DemoSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(stepPause, "stepPause");
        if (maxPhotoBytes < 1) {
            throw new IllegalArgumentException("maxPhotoBytes: " + maxPhotoBytes + " (expected: > 0)");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: > 0)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
        }
        if (stepPause.isNegative()) {
            throw new IllegalArgumentException("stepPause: " + stepPause + " (expected: >= 0)");
        }
        if (maxUploads < 1) {
            throw new IllegalArgumentException("maxUploads: " + maxUploads + " (expected: > 0)");
        }
    }

    /** 10 MiB photos, 2 workers, 16 waiting jobs, 300 ms per step, 4 uploads at once. */
    public static DemoSettings defaults(Path dataDir) {
        return new DemoSettings(dataDir, 10 * 1024 * 1024, 2, 16, Duration.ofMillis(300), 4);
    }
}
