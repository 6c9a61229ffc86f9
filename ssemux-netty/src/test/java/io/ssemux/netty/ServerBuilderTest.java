package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Hub;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerBuilderTest {
    private final Hub hub = Hub.builder().build();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void refusesSettingsOutOfRangeSayingWhatWasExpected() {
        SsemuxServer.Builder builder = SsemuxServer.builder(hub);
        assertThatThrownBy(() -> builder.port(70_000)).hasMessage("port: 70000 (expected: 0-65535)");
        assertThatThrownBy(() -> builder.ioThreads(0)).hasMessage("ioThreads: 0 (expected: > 0)");
        assertThatThrownBy(() -> builder.acceptBacklog(0)).hasMessage("acceptBacklog: 0 (expected: > 0)");
        assertThatThrownBy(() -> builder.maxBodyBytes(0)).hasMessage("maxBodyBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> builder.outboundLimitBytes(100))
                .hasMessage("outboundLimitBytes: 100 (expected: >= 1024)");
        assertThatThrownBy(() -> builder.flushWindow(Duration.ofSeconds(2))).hasMessageContaining("expected: 0 to 1 s");
        assertThatThrownBy(() -> builder.route("relative", r -> null))
                .hasMessageContaining("expected: starting with /");
    }
}
