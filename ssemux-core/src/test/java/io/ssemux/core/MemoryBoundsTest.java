package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The memory an operator allows is the most the hub holds, however large and many the events. */
class MemoryBoundsTest {
    private final ManualScheduler time = new ManualScheduler();
    private final Hub hub = Hub.builder()
            .scheduler(time)
            .clock(time.clock())
            .historyMaxBytes(8L << 20)
            .maxEventBytes(64 << 10)
            .build();

    @AfterEach
    void close() {
        hub.close();
    }

    private static String data(int bytes) {
        return "\"" + "x".repeat(bytes - 2) + "\"";
    }

    @Test
    void historyNeverHoldsMoreThanItsByteBoundWhateverIsPublished() {
        String large = data(60_000);
        long maxSeen = 0;
        for (int i = 0; i < 2_000; i++) {
            hub.publish("jobs", "t", large);
            maxSeen = Math.max(maxSeen, hub.stats().history().bytes());
        }

        assertThat(maxSeen).isLessThanOrEqualTo(8L << 20).isGreaterThan(7L << 20);
        assertThat(hub.stats().history().events()).isLessThan(2_000).isGreaterThan(30);
    }

    @Test
    void aResumeFromBeyondTheByteBoundIsAResetNotAGap() {
        String first = hub.publish("jobs", "t", data(60_000)).id();
        for (int i = 0; i < 200; i++) {
            hub.publish("jobs", "t", data(60_000));
        }
        RecordingSink sink = new RecordingSink();

        hub.connect(
                new ConnectRequest(Principal.of("a", Grants.all()), List.of("jobs"), Format.PLAIN, first, "127.0.0.1"),
                sink);

        assertThat(sink.types()).containsExactly("connected", "reset");
        assertThat(sink.text()).contains("\"reason\":\"too_old\"");
    }

    @Test
    void refusesAnEventLargerThanTheLimitCountingUtf8Bytes() {
        assertThat(hub.publish("jobs", "t", data(64 << 10)).id()).isNotNull();
        assertThatThrownBy(() -> hub.publish("jobs", "t", data((64 << 10) + 1)))
                .isInstanceOfSatisfying(
                        SsemuxException.class,
                        e -> assertThat(e.kind()).isEqualTo(SsemuxException.Kind.PAYLOAD_TOO_LARGE))
                .hasMessage("data: 65537 bytes (expected: at most 65536, the largest event)");
        String wide = "\"" + "é".repeat(33_000) + "\""; // 33,000 characters, 66,002 bytes
        assertThatThrownBy(() -> hub.publish("jobs", "t", wide)).hasMessageStartingWith("data: 66002 bytes");
        assertThat(hub.stats().eventsPublished()).isEqualTo(1);
    }

    @Test
    void theDefaultsBoundTheHistoryToTensOfMegabytes() {
        HubConfig defaults = HubConfig.defaults();

        assertThat(defaults.historyMaxBytes()).isEqualTo(32L << 20);
        assertThat(defaults.maxEventBytes()).isEqualTo(64 << 10);
        assertThat(Duration.ofMinutes(5)).isEqualTo(defaults.historyMaxAge());
    }
}
