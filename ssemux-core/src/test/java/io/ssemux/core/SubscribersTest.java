package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's subscribers grow in place (a connect storm costs O(1) per connection) while a publish
 * already handed to an I/O thread still sees exactly the subscribers it was published to.
 */
class SubscribersTest {
    /** One I/O thread that runs only when the test says. */
    private static final class HeldExecutor implements Executor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Hub hub = Hub.builder()
            .scheduler(scheduler)
            .clock(scheduler.clock())
            .maxConnections(20_000)
            .maxConnectionsPerUser(20_000)
            .build();
    private final HeldExecutor loop = new HeldExecutor();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private Connection connect(RecordingSink sink, String... channels) {
        return hub.connect(
                new ConnectRequest(Principal.of("u", Grants.all()), List.of(channels), Format.PLAIN, null, "127.0.0.1"),
                sink);
    }

    private static long events(RecordingSink sink, String type) {
        return sink.types().stream().filter(type::equals).count();
    }

    @Test
    void aConnectStormOnOneChannelReachesEverySubscriberOnceAndFlushesEach() {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            RecordingSink sink = new RecordingSink(loop);
            sinks.add(sink);
            connect(sink, "storm");
        }
        loop.runAll();

        hub.publish("storm", "tick", "1");
        loop.runAll();

        assertThat(hub.subscribersOf("storm")).isEqualTo(10_000);
        assertThat(sinks).allSatisfy(sink -> {
            assertThat(events(sink, "tick")).isEqualTo(1);
            assertThat(sink.flushed).isEqualTo(sink.sent);
        });
    }

    @Test
    void aSubscriberAddedAfterAPublishGetsOnlyLaterEventsAndIsFlushedForThem() {
        RecordingSink first = new RecordingSink(loop);
        connect(first, "jobs");
        hub.publish("jobs", "tick", "1"); // waiting for the loop, with one subscriber
        RecordingSink second = new RecordingSink(loop);
        connect(second, "jobs");
        hub.publish("jobs", "tick", "2"); // the same array, one more subscriber

        loop.runAll();

        assertThat(first.text()).contains("data: 1\n").contains("data: 2\n");
        assertThat(second.text()).doesNotContain("data: 1\n").contains("data: 2\n");
        assertThat(first.flushed).isEqualTo(first.sent);
        assertThat(second.flushed).isEqualTo(second.sent);
    }

    @Test
    void aPublishWaitingForItsLoopKeepsItsSubscribersWhateverComesAndGoesMeanwhile() {
        List<RecordingSink> sinks = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RecordingSink sink = new RecordingSink(loop);
            sinks.add(sink);
            connections.add(connect(sink, "jobs"));
        }
        loop.runAll();
        hub.publish("jobs", "tick", "before");

        // meanwhile: some leave, some come, the array is rebuilt and grown
        hub.updateSubscriptions("u", connections.get(1).info().id(), List.of(), List.of("jobs"));
        connections.get(4).closed(CloseReason.CLIENT_GONE);
        List<RecordingSink> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingSink sink = new RecordingSink(loop);
            late.add(sink);
            connect(sink, "jobs");
        }
        hub.publish("jobs", "tick", "after");
        loop.runAll();

        assertThat(sinks.get(0).text()).contains("data: before\n").contains("data: after\n");
        assertThat(sinks.get(1).text()).doesNotContain("data: after\n");
        assertThat(sinks.get(5).text()).contains("data: before\n").contains("data: after\n");
        assertThat(late)
                .allSatisfy(sink ->
                        assertThat(sink.text()).doesNotContain("data: before\n").contains("data: after\n"));
        assertThat(hub.subscribersOf("jobs")).isEqualTo(9);
    }
}
