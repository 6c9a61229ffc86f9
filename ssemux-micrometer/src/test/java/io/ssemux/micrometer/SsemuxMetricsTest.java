package io.ssemux.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SsemuxMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SsemuxMetrics metrics = new SsemuxMetrics(registry);
    private final ManualScheduler time = new ManualScheduler();
    private final Hub hub = Hub.builder()
            .listener(metrics)
            .scheduler(time)
            .clock(time.clock())
            .maxConnectionsPerUser(1)
            .build();

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void theMetersFollowTheHub() {
        metrics.bind(hub);
        Connection alice = connect("alice");
        connect("bob");

        hub.publish("jobs", "tick", "{\"n\":1}");
        hub.publish("jobs", "tick", "{\"n\":2}");
        connect("alice"); // evicts alice's first stream
        alice.closed(io.ssemux.core.CloseReason.CLIENT_GONE); // already gone: no second count

        assertThat(registry.get("ssemux.streams.open").gauge().value()).isEqualTo(2);
        assertThat(registry.get("ssemux.streams.opened").functionCounter().count())
                .isEqualTo(3);
        assertThat(registry.get("ssemux.streams.evicted").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("ssemux.events.published").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get("ssemux.events.delivered").functionCounter().count())
                .isEqualTo(4);
        assertThat(registry.get("ssemux.bytes.written").functionCounter().count())
                .isEqualTo((double) hub.stats().bytesWritten())
                .isGreaterThan(4.0 * "id: 1\nevent: tick\ndata: {\"n\":1}\n\n".length());
        assertThat(registry.get("ssemux.history.events").gauge().value()).isEqualTo(2);
        assertThat(registry.get("ssemux.ready").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ssemux.streams.closed.by.reason")
                        .tag("reason", "evicted")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void everyEventFlushedIsOneLatencySampleNotOnePerStream() {
        metrics.bind(hub);
        for (int i = 0; i < 5; i++) {
            connect("u" + i);
        }

        hub.publish("jobs", "tick", "1");
        hub.publish("jobs", "tick", "2");

        var timer = registry.get("ssemux.publish.flush").timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.max(TimeUnit.SECONDS)).isLessThan(10);
    }

    @Test
    void noMeterHasAPerUserOrPerChannelTag() {
        metrics.bind(hub);
        for (int i = 0; i < 20; i++) {
            connect("user" + i);
            hub.publish("channel" + i, "tick", "1");
        }

        List<Meter> meters = registry.getMeters();
        assertThat(meters)
                .allSatisfy(meter -> assertThat(meter.getId().getTags())
                        .allSatisfy(tag -> assertThat(tag.getKey()).isEqualTo("reason")));
        int before = meters.size();
        connect("one-more");
        assertThat(registry.getMeters()).hasSize(before);
    }

    @Test
    void theBackplaneLagIsAGaugeInSeconds() {
        metrics.bindBackplaneLag(() -> Duration.ofMillis(1500));

        assertThat(registry.get("ssemux.backplane.lag").gauge().value()).isEqualTo(1.5);
    }

    private Connection connect(String user) {
        return hub.connect(
                new ConnectRequest(Principal.of(user, Grants.all()), List.of("jobs"), Format.PLAIN, null, "127.0.0.1"),
                new Sink());
    }

    /** A sink that runs on the calling thread and takes every frame. */
    private static final class Sink implements SseSink {
        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void send(Frame frame) {}

        @Override
        public void flush() {}

        @Override
        public void close(Frame farewell) {}
    }
}
