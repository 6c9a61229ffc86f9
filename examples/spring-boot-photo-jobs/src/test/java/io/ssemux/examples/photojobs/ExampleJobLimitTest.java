package io.ssemux.examples.photojobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.spring.SsemuxPublisher;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.json.JsonMapper;

/** The limit on jobs under way, without a server: a pause of an hour keeps the first job running. */
class ExampleJobLimitTest {
    @TempDir
    Path data;

    @Test
    void anUploadBeyondTheJobLimitIsRefusedWithRetryAfter() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        PhotoJobsProperties properties = new PhotoJobsProperties(data, Duration.ofHours(1), 1);
        MockMultipartFile photo = new MockMultipartFile("photo", "a.png", "image/png", new byte[] {1});
        try (Hub hub = Hub.builder().build();
                PhotoJobs jobs = new PhotoJobs(
                        new SsemuxPublisher(hub, json::writeValueAsString),
                        new Storage(properties, json),
                        properties)) {

            assertThat(jobs.submit("alice", "holiday", "a.png", ImageFormat.PNG, photo)
                            .status())
                    .isEqualTo("queued");
            assertThatThrownBy(() -> jobs.submit("bob", "holiday", "a.png", ImageFormat.PNG, photo))
                    .isInstanceOfSatisfying(SsemuxException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
                        assertThat(e.retryAfter()).isEqualTo(PhotoJobs.RETRY_AFTER);
                        assertThat(e.getMessage()).startsWith("jobs: 1 waiting or running");
                    });
        }
    }
}
