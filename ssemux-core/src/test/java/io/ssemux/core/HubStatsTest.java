package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The summary, the per-user and per-channel counts and the top lists: right, and never behind a publish. */
class HubStatsTest {
    private final ManualScheduler time = new ManualScheduler();
    private final List<Hub> hubs = new ArrayList<>();

    @AfterEach
    void closeHubs() {
        hubs.forEach(Hub::close);
    }

    private Hub hub(HubBuilder builder) {
        Hub hub = builder.clock(time.clock()).scheduler(time).build();
        hubs.add(hub);
        return hub;
    }

    private static Connection connect(Hub hub, String user, SseSink sink, String... channels) {
        return hub.connect(
                new ConnectRequest(
                        Principal.of(user, Grants.all()), List.of(channels), Format.PLAIN, null, "127.0.0.1"),
                sink);
    }

    @Test
    void summaryCountsStreamsUsersChannelsAndEvents() {
        Hub hub = hub(Hub.builder().maxConnectionsPerUser(2));
        Connection a1 = connect(hub, "alice", new RecordingSink(), "jobs", "chat");
        connect(hub, "alice", new RecordingSink(), "jobs");
        connect(hub, "alice", new RecordingSink(), "jobs"); // evicts a1
        connect(hub, "bob", new RecordingSink(), "all");
        Connection carol = connect(hub, "carol", new RecordingSink(), "chat");
        carol.closed(CloseReason.CLIENT_GONE);
        hub.publish("jobs", "t", "{}");
        hub.publish("nobody-listens", "t", "{}");

        HubStats stats = hub.stats();

        assertThat(a1.info().id()).isNotBlank();
        assertThat(stats.connections()).isEqualTo(3);
        assertThat(stats.users()).isEqualTo(2);
        assertThat(stats.channels()).isEqualTo(2); // jobs and all; chat has nobody left
        assertThat(stats.eventsPublished()).isEqualTo(2);
        assertThat(stats.eventsDelivered()).isEqualTo(4); // jobs to 3 streams, nobody-listens to bob (all)
        assertThat(stats.connectionsOpened()).isEqualTo(5);
        assertThat(stats.connectionsClosed()).isEqualTo(2);
        assertThat(stats.connectionsEvicted()).isEqualTo(1);
        assertThat(stats.slowConsumerDisconnects()).isZero();
        assertThat(stats.history().events()).isEqualTo(2);
    }

    @Test
    void countsOneUserOrOneChannel() {
        Hub hub = hub(Hub.builder());
        connect(hub, "alice", new RecordingSink(), "jobs", "chat");
        connect(hub, "alice", new RecordingSink(), "jobs");
        connect(hub, "bob", new RecordingSink(), "all");

        assertThat(hub.connectionsOf("alice")).isEqualTo(2);
        assertThat(hub.connectionsOf("bob")).isEqualTo(1);
        assertThat(hub.connectionsOf("nobody")).isZero();
        assertThat(hub.subscribersOf("jobs")).isEqualTo(2);
        assertThat(hub.subscribersOf("chat")).isEqualTo(1);
        assertThat(hub.subscribersOf(Names.ALL)).isEqualTo(1);
        assertThat(hub.subscribersOf("nothing")).isZero();
    }

    @Test
    void topListsTheLargestFirstTiesByNameAtMostN() {
        Hub hub = hub(Hub.builder());
        for (int i = 0; i < 3; i++) {
            connect(hub, "carol", new RecordingSink(), "c", "b");
        }
        connect(hub, "bob", new RecordingSink(), "a", "b");
        connect(hub, "bob", new RecordingSink(), "b");
        connect(hub, "alice", new RecordingSink(), "all");
        connect(hub, "dave", new RecordingSink(), "d");

        HubTop top = hub.top(3);

        assertThat(top.channels())
                .containsExactly(new HubTop.Entry("b", 5), new HubTop.Entry("c", 3), new HubTop.Entry("a", 1));
        assertThat(top.users())
                .containsExactly(
                        new HubTop.Entry("carol", 3), new HubTop.Entry("bob", 2), new HubTop.Entry("alice", 1));
        assertThat(hub.top(100).channels()).extracting(HubTop.Entry::name).containsExactly("b", "c", "a", "all", "d");
        assertThat(hub.top(1).users()).containsExactly(new HubTop.Entry("carol", 3));
        assertThatThrownBy(() -> hub.top(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n: 0 (expected: >= 1)");
    }

    /**
     * 50,000 users, and a publish that stalls inside the hub's lock (its sink blocks): the stats,
     * the counts and the top lists still answer, and stay right while publishes go on.
     */
    @Test
    @Timeout(120)
    void answersWhileAPublishHoldsTheLockWithFiftyThousandUsers() throws Exception {
        int users = 50_000;
        Hub hub = hub(Hub.builder().maxConnections(users + 10).heartbeat(Duration.ofHours(1)));
        for (int i = 0; i < users; i++) {
            connect(hub, "u" + i, new CountingSink(), "room-" + (i % 100));
        }
        for (int i = 0; i < 3; i++) {
            connect(hub, "heavy", new CountingSink(), "jobs");
        }
        GateSink gate = new GateSink();
        connect(hub, "gate", gate, "jobs");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong published = new AtomicLong();
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                hub.publish(i % 2 == 0 ? "jobs" : "room-" + (i % 100), "t", "{}");
                published.incrementAndGet();
            }
        });
        publisher.start();
        try {
            assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue(); // the publisher holds the lock now

            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                HubStats stats = hub.stats();
                assertThat(stats.connections()).isEqualTo(users + 4);
                assertThat(stats.users()).isEqualTo(users + 2);
                assertThat(stats.channels()).isEqualTo(101);
                assertThat(hub.connectionsOf("heavy")).isEqualTo(3);
                assertThat(hub.subscribersOf("room-7")).isEqualTo(500);
                assertTop(hub.top(20));
            });
            assertThat(hub.stats().eventsPublished()).isZero(); // the first publish is still inside

            gate.release.countDown();
            for (int i = 0; i < 50; i++) {
                assertThat(hub.stats().connections()).isEqualTo(users + 4);
                assertTop(hub.top(20));
            }
        } finally {
            gate.release.countDown();
            stop.set(true);
            publisher.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(publisher.isAlive()).isFalse();
        assertThat(published.get()).isPositive();
        assertThat(hub.stats().eventsPublished()).isEqualTo(published.get());
    }

    private static void assertTop(HubTop top) {
        assertThat(top.channels())
                .hasSize(20)
                .allSatisfy(e -> assertThat(e.count()).isEqualTo(500));
        assertThat(top.channels()).extracting(HubTop.Entry::name).isSorted();
        assertThat(top.users()).hasSize(20).first().isEqualTo(new HubTop.Entry("heavy", 3));
        assertThat(top.users().subList(1, 20))
                .allSatisfy(e -> assertThat(e.count()).isEqualTo(1));
        assertThat(top.users().subList(1, 20)).extracting(HubTop.Entry::name).isSorted();
    }

    /** Counts frames, keeps none; runs on the caller's thread. */
    private static class CountingSink implements SseSink {
        final AtomicLong frames = new AtomicLong();

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void send(Frame frame) {
            frames.incrementAndGet();
        }

        @Override
        public void flush() {}

        @Override
        public void close(Frame farewell) {}
    }

    /** Blocks the first live event until released: its publish holds the hub's lock meanwhile. */
    private static final class GateSink extends CountingSink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void send(Frame frame) {
            super.send(frame);
            if (frame.toString().contains("event: t\n")) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
