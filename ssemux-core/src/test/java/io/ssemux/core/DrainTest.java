package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A deploy's drain on an injected clock: stream ends spread over the window, each told when to come back. */
class DrainTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Pattern RECONNECT = Pattern.compile(
            "retry: (\\d+)\nevent: draining\ndata: \\{\"reason\":" + "\"shutdown\",\"reconnectAfterMillis\":(\\d+)\\}");

    private final ManualScheduler time = new ManualScheduler();
    private final Hub hub = Hub.builder()
            .clock(time.clock())
            .scheduler(time)
            .heartbeat(Duration.ofHours(1))
            .retry(Duration.ofSeconds(3))
            .build();

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void streamsEndOneByOneSpreadEvenlyOverTheWindow() {
        List<RecordingSink> sinks = connect(20);

        CompletableFuture<Void> drained = hub.drain(WINDOW);
        time.runDue();
        List<Integer> endedBySecond = new ArrayList<>();
        for (int second = 0; second < 10; second++) {
            endedBySecond.add(ended(sinks));
            time.advance(Duration.ofSeconds(1));
        }
        endedBySecond.add(ended(sinks));

        // Two streams a second, the first at once, the last at 9.5 s; done with the last one.
        assertThat(endedBySecond).containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20);
        assertThat(drained).isCompleted();
        assertThat(hub.drain(WINDOW)).isSameAs(drained);
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void eachStreamIsToldToReconnectAfterARandomDelayOfAtMostTheRetry() {
        List<RecordingSink> sinks = connect(30);

        hub.drain(WINDOW);
        time.advance(WINDOW);

        List<Long> delays = new ArrayList<>();
        for (RecordingSink sink : sinks) {
            assertThat(sink.closed).isTrue();
            Matcher m = RECONNECT.matcher(sink.farewell.toString());
            assertThat(m.find()).as(sink.farewell.toString()).isTrue();
            assertThat(m.group(1)).isEqualTo(m.group(2));
            delays.add(Long.parseLong(m.group(2)));
            assertThat(ControlEvents.Draining.parse(sink.farewell
                                    .toString()
                                    .substring(sink.farewell.toString().indexOf("data: ") + 6)
                                    .trim())
                            .reconnectAfter())
                    .isEqualTo(Duration.ofMillis(Long.parseLong(m.group(2))));
        }
        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(0L, 3000L));
        assertThat(delays.stream().distinct().count()).isGreaterThan(20); // random, not one value for all
    }

    @Test
    void whileDrainingNewStreamsAreRefusedReadinessSaysSoAndPublishingGoesOn() {
        List<RecordingSink> sinks = connect(4);
        assertThat(hub.readiness()).isEqualTo(Readiness.READY);

        hub.drain(WINDOW);
        time.runDue();

        assertThat(hub.readiness()).isEqualTo(Readiness.DRAINING);
        assertThatThrownBy(() -> connect(1))
                .isInstanceOf(SsemuxException.class)
                .hasMessageContaining("draining for a restart")
                .satisfies(e -> assertThat(((SsemuxException) e).retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        PublishResult during = hub.publish("jobs", "tick", "1");
        assertThat(during.delivered()).isEqualTo(3); // the first stream ended at once
        time.advance(WINDOW);
        assertThat(hub.publish("jobs", "tick", "2").delivered()).isZero();
        assertThat(sinks.stream().filter(s -> s.text().contains("data: 1")).count())
                .isEqualTo(3);
        hub.close();
        assertThat(hub.readiness()).isEqualTo(Readiness.CLOSED);
    }

    @Test
    void aDrainWithNoStreamIsDoneAtOnceAndStillRefusesNewOnes() {
        CompletableFuture<Void> drained = hub.drain(WINDOW);

        assertThat(drained).isCompleted();
        assertThat(hub.readiness()).isEqualTo(Readiness.DRAINING);
    }

    @Test
    void aZeroWindowEndsEveryStreamAtOnceAndASecondDrainIsTheFirst() {
        List<RecordingSink> sinks = connect(5);

        CompletableFuture<Void> first = hub.drain(Duration.ZERO);
        time.runDue();

        assertThat(ended(sinks)).isEqualTo(5);
        assertThat(first).isCompleted();
        assertThat(hub.drain(WINDOW)).isSameAs(first);
    }

    private List<RecordingSink> connect(int n) {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordingSink sink = new RecordingSink();
            hub.connect(
                    new ConnectRequest(
                            Principal.of("u" + i, Grants.all()), List.of("jobs"), Format.PLAIN, null, "127.0.0.1"),
                    sink);
            sinks.add(sink);
        }
        return sinks;
    }

    private static int ended(List<RecordingSink> sinks) {
        return (int) sinks.stream().filter(s -> s.closed).count();
    }
}
