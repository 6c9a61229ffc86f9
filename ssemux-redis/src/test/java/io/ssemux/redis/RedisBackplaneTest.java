package io.ssemux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.ssemux.core.Event;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Backplane;
import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.Replay;
import io.ssemux.redis.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backplane on a real Redis (one per class); each test has keys of its own. */
class RedisBackplaneTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final AtomicInteger TESTS = new AtomicInteger();

    @TempDir
    static Path dir;

    static RedisServer redis;
    static RedisClient raw;
    static StatefulRedisConnection<String, String> rawConnection;

    private final String prefix = "test" + TESTS.incrementAndGet();
    private final List<RedisBackplane> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir);
        raw = RedisClient.create(redis.uri());
        rawConnection = raw.connect();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        rawConnection.close();
        raw.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @AfterEach
    void closeBackplanes() {
        opened.forEach(RedisBackplane::close);
    }

    @Test
    void everyEventAppendedOnAnyNodeReachesEveryNodeOnceInEachChannelsOrder() {
        RedisBackplane a = open(b -> b.streams(4));
        RedisBackplane b = open(b2 -> b2.streams(4));
        Recorder onA = start(a);
        Recorder onB = start(b);

        for (int i = 0; i < 60; i++) {
            (i % 2 == 0 ? a : b)
                    .append("ch" + (i % 6), "tick", Integer.toString(i))
                    .join();
        }

        await().atMost(BOUND).until(() -> onA.events.size() == 60 && onB.events.size() == 60);
        assertThat(byChannel(onA.events)).isEqualTo(byChannel(onB.events));
        assertThat(byChannel(onA.events).get("ch0"))
                .containsExactly("0", "6", "12", "18", "24", "30", "36", "42", "48", "54");
        assertCursorsOnlyMoveForward(onA.events);
        assertCursorsOnlyMoveForward(onB.events);
    }

    @Test
    void aCursorFromOneNodeReplaysExactlyTheRestOnAnother() {
        RedisBackplane a = open(b -> b.streams(3));
        RedisBackplane b = open(b2 -> b2.streams(3));
        Recorder onA = start(a);
        Recorder onB = start(b);
        for (int i = 0; i < 30; i++) {
            a.append("ch" + (i % 5), "tick", Integer.toString(i)).join();
        }
        await().atMost(BOUND).until(() -> onA.events.size() == 30 && onB.events.size() == 30);
        String cursorFromA = onA.events.get(11).id();
        List<String> restOnA =
                onA.events.subList(12, 30).stream().map(Event::data).toList();

        Replay replay =
                b.replay(cursorFromA, onB.position(), channel -> true, 100).join();

        assertThat(replay.isReset()).isFalse();
        assertThat(data(replay)).containsExactlyInAnyOrderElementsOf(restOnA);
        Map<String, List<String>> expected = byChannel(onA.events.subList(12, 30));
        assertThat(byChannel(replay.events().stream().map(EncodedEvent::event).toList()))
                .isEqualTo(expected);
        assertThat(b.standing(onB.position(), cursorFromA)).isEqualTo(Backplane.Standing.REACHED);
    }

    @Test
    void aReplayKeepsOnlyTheAcceptedChannelsAndItsLastIdCoversTheRest() {
        RedisBackplane a = open(b -> b);
        Recorder onA = start(a);
        for (int i = 0; i < 10; i++) {
            a.append(i % 2 == 0 ? "even" : "odd", "tick", Integer.toString(i)).join();
        }
        await().atMost(BOUND).until(() -> onA.events.size() == 10);

        Replay replay = a.replay(onA.events.get(0).id(), onA.position(), "odd"::equals, 100)
                .join();

        assertThat(data(replay)).containsExactly("1", "3", "5", "7", "9");
        assertThat(replay.events().get(4).event().id())
                .isEqualTo(onA.events.get(9).id());
    }

    @Test
    void historyKeepsItsCountAndACursorBeforeWhatWasTrimmedGetsAReset() {
        RedisBackplane a = open(b -> b.history(5, 1 << 20, Duration.ofMinutes(5)));
        Recorder onA = start(a);
        for (int i = 0; i < 8; i++) {
            a.append("jobs", "tick", Integer.toString(i)).join();
        }
        await().atMost(BOUND).until(() -> onA.events.size() == 8);

        assertThat(rawConnection.sync().xlen(prefix + ":{0}:events")).isEqualTo(5);
        Replay tooOld =
                a.replay(onA.events.get(1).id(), onA.position(), c -> true, 100).join();
        assertThat(tooOld.resetReason()).isEqualTo(Replay.TOO_OLD);
        assertThat(tooOld.headId()).isEqualTo(onA.position());
        Replay complete =
                a.replay(onA.events.get(2).id(), onA.position(), c -> true, 100).join();
        assertThat(data(complete)).containsExactly("3", "4", "5", "6", "7");
    }

    @Test
    void eventsTrimmedBeforeAStalledReaderGotToThemAreReportedAsMissedJustBeforeTheNextOne() {
        RedisBackplane a = open(b -> b.history(3, 1 << 20, Duration.ofMinutes(5)));
        Recorder onA = start(a);
        onA.hold = new CountDownLatch(1);
        List<String> ids = new ArrayList<>();
        ids.add(a.append("jobs", "tick", "0").join());
        await().atMost(BOUND).until(() -> onA.events.size() == 1); // the reader now waits in event()
        for (int i = 1; i < 10; i++) {
            ids.add(a.append("jobs", "tick", Integer.toString(i)).join()); // the history keeps the last 3
        }

        onA.hold.countDown();

        await().atMost(BOUND).until(() -> onA.events.size() == 4);
        assertThat(onA.events).extracting(Event::data).containsExactly("0", "7", "8", "9");
        String justBefore7 = RedisBackplane.justBefore(StreamId.parse(ids.get(7)), StreamId.parse(ids.get(0)))
                .toString();
        assertThat(onA.missed).containsExactly(justBefore7 + " after 1");
        assertThat(onA.events.get(1).id()).isEqualTo(ids.get(7));
        // A client told to resume from the gap's cursor gets exactly what came after it.
        Replay replay = a.replay(justBefore7, onA.position(), c -> true, 100).join();
        assertThat(replay.isReset()).isFalse();
        assertThat(data(replay)).containsExactly("7", "8", "9");
    }

    @Test
    void aReaderThatKeepsUpReportsNoGapAndEntriesWithoutANumberAreNoGap() {
        RedisBackplane a = open(b -> b.history(3, 1 << 20, Duration.ofMinutes(5)));
        Recorder onA = start(a);
        for (int i = 0; i < 20; i++) {
            a.append("jobs", "tick", Integer.toString(i)).join();
            int read = i + 1;
            await().atMost(BOUND).until(() -> onA.events.size() == read);
        }
        // An entry of an older ssemux (no number), then numbered ones again: the count restarts.
        rawConnection.sync().xadd(prefix + ":{0}:events", Map.of("c", "jobs", "t", "tick", "d", "old"));
        a.append("jobs", "tick", "20").join();

        await().atMost(BOUND).until(() -> onA.events.size() == 22);
        assertThat(onA.missed).isEmpty();
    }

    @Test
    void justBeforeAnIdIsTheIdOneLessButNeverBehindWhatWasRead() {
        StreamId read = new StreamId(100, 0);
        assertThat(RedisBackplane.justBefore(new StreamId(200, 3), read)).isEqualTo(new StreamId(200, 2));
        assertThat(RedisBackplane.justBefore(new StreamId(200, 0), read).ms()).isEqualTo(199);
        assertThat(RedisBackplane.justBefore(new StreamId(200, 0), read))
                .isGreaterThan(new StreamId(199, 1_000_000))
                .isLessThan(new StreamId(200, 0));
        assertThat(RedisBackplane.justBefore(new StreamId(100, 1), read)).isEqualTo(read);
        // The id just before (ms, 0) still fits in a cursor of several streams.
        Cursor cursor = Cursor.start(2).with(0, RedisBackplane.justBefore(new StreamId(200, 0), read));
        assertThat(Cursor.parse(cursor.encode(), 2)).isEqualTo(cursor);
    }

    @Test
    void historyKeepsItsBytes() {
        RedisBackplane a = open(b -> b.history(1000, 2000, Duration.ofMinutes(5)));
        Recorder onA = start(a);
        String data = "\"" + "x".repeat(498) + "\"";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(a.append("jobs", "tick", data).join());
        }
        String last = ids.get(9);
        // The reader gets to the newest (events trimmed before it read them are not its to wait for).
        await().atMost(BOUND)
                .until(() -> !onA.events.isEmpty()
                        && onA.events.get(onA.events.size() - 1).id().equals(last));

        long bytes = Long.parseLong(rawConnection.sync().hget(prefix + ":{0}:meta", "bytes"));
        assertThat(bytes).isLessThanOrEqualTo(2000).isPositive();
        assertThat(rawConnection.sync().xlen(prefix + ":{0}:events")).isEqualTo(3); // 3 × (500 + 4 + 4 + 64)
        assertThat(a.replay(ids.get(6), last, c -> true, 100).join().events()).hasSize(3);
        assertThat(a.replay(ids.get(5), last, c -> true, 100).join().isReset()).isTrue();
    }

    @Test
    void historyOfAQuietStreamExpiresByAge() {
        RedisBackplane a = open(b -> b.history(1000, 1 << 20, Duration.ofMillis(500)));
        Recorder onA = start(a);
        a.append("jobs", "tick", "1").join();
        await().atMost(BOUND).until(() -> onA.events.size() == 1);
        String before = "0-0";

        await().atMost(BOUND).until(() -> rawConnection.sync().xlen(prefix + ":{0}:events") == 0);

        assertThat(a.replay(before, onA.position(), c -> true, 100).join().resetReason())
                .isEqualTo(Replay.TOO_OLD);
        assertThat(a.replay(onA.events.get(0).id(), onA.position(), c -> true, 100)
                        .join()
                        .events())
                .isEmpty();
    }

    @Test
    void aReaderStartsAtTheStreamsPresentEndAndACursorPastItIsAhead() {
        RedisBackplane a = open(b -> b);
        a.append("jobs", "tick", "before").join();
        Recorder onA = start(a);
        await().atMost(BOUND).until(() -> onA.position() != null);
        a.append("jobs", "tick", "after").join();
        await().atMost(BOUND).until(() -> onA.events.size() == 1);

        assertThat(onA.events.get(0).data()).isEqualTo("after");
        StreamId head = StreamId.parse(onA.position());
        assertThat(a.standing(onA.position(), new StreamId(head.ms() + 1, 0).toString()))
                .isEqualTo(Backplane.Standing.AHEAD);
        assertThat(a.standing(onA.position(), "1795823131000000")).isEqualTo(Backplane.Standing.INVALID);
    }

    @Test
    void aStartedBackplaneIsReachableOnceItsReaderHasReadRedis() {
        RedisBackplane a = open(b -> b);
        assertThat(a.reachable()).as("not before its reader ran").isFalse();

        start(a);

        await().atMost(BOUND).until(a::reachable);
    }

    @Test
    void anAppendAnswersWithTheEventsPositionInItsStream() {
        RedisBackplane one = open(b -> b);
        RedisBackplane four = open(b -> b.streams(4).keyPrefix(prefix + "k4"));

        assertThat(one.append("jobs", "tick", "1").join()).matches("\\d+-\\d+");
        assertThat(four.append("jobs", "tick", "1").join()).matches(four.streamOf("jobs") + ":\\d+-\\d+");
    }

    @Test
    void aFloodOfPublishesWhileRedisIsSlowIsRefusedBeyondTheQueueNotHeld() {
        RedisBackplane a = open(b -> b.maxQueuedCommands(20));
        start(a);
        rawConnection
                .async()
                .dispatch( // DEBUG SLEEP 1: Redis stops answering for a second
                        io.lettuce.core.protocol.CommandType.DEBUG,
                        new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                        new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                .add("SLEEP")
                                .add(1));

        long start = System.nanoTime();
        List<CompletableFuture<String>> appends = new ArrayList<>();
        List<Long> refusedAfterMillis = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<String> append = a.append("jobs", "tick", Integer.toString(i));
            append.whenComplete((id, failure) -> {
                if (failure != null) {
                    refusedAfterMillis.add((System.nanoTime() - start) / 1_000_000);
                }
            });
            appends.add(append);
        }

        long refused = appends.stream()
                .filter(f -> f.handle((id, failure) -> failure).join() != null)
                .peek(f -> assertThatThrownBy(f::join)
                        .cause()
                        .isInstanceOf(SsemuxException.class)
                        .hasMessageContaining("the event store (redis at 127.0.0.1:"))
                .count();
        assertThat(refused).isPositive();
        // Refused while Redis still slept (1 s), not held until it woke.
        await().atMost(BOUND).until(() -> refusedAfterMillis.size() == refused);
        assertThat(refusedAfterMillis).allSatisfy(ms -> assertThat(ms).isLessThan(800));
        assertThat(200 - refused).isPositive(); // the ones queued were stored once Redis answered
        assertThat(a.append("jobs", "tick", "after").join()).matches("\\d+-\\d+");
    }

    @Test
    void aNodeAsksAnotherOverRedisAndGetsItsAnswer() {
        RedisBackplane a = open(b -> b);
        RedisBackplane b = open(b2 -> b2);
        start(a);
        start(b);

        assertThat(a.ask(b.nodeId(), "{\"op\":\"x\"}").join()).isEqualTo("answer to {\"op\":\"x\"}");
        assertThat(b.ask(b.nodeId(), "self").join()).isEqualTo("answer to self");
    }

    @Test
    void askingANodeThatIsGoneFailsWithNotFound() {
        RedisBackplane a = open(b -> b);
        start(a);

        assertThatThrownBy(() -> a.ask("nobody", "{}").join())
                .hasCauseInstanceOf(SsemuxException.class)
                .cause()
                .hasMessageContaining("node 'nobody': gone");
    }

    @Test
    void theRegistryNamesAUsersOldestConnectionsBeyondTheCapOnAnyLiveNode() {
        RedisBackplane a = open(b -> b);
        RedisBackplane b = open(b2 -> b2);
        start(a);
        start(b);
        await().atMost(BOUND)
                .until(() -> a.liveNodes().contains(b.nodeId()) && b.liveNodes().contains(a.nodeId()));

        assertThat(a.register("alice", a.nodeId() + ".1", 2).join()).isEmpty();
        assertThat(b.register("alice", b.nodeId() + ".2", 2).join()).isEmpty();
        assertThat(a.register("alice", a.nodeId() + ".3", 2).join()).containsExactly(a.nodeId() + ".1");
        assertThat(b.register("alice", b.nodeId() + ".4", 2).join()).containsExactly(b.nodeId() + ".2");
        a.unregister("alice", a.nodeId() + ".3");
        assertThat(a.register("alice", a.nodeId() + ".5", 2).join()).isEmpty();
    }

    @Test
    void connectionsOfANodeThatIsGoneLeaveTheRegistryWithoutCounting() {
        RedisBackplane a = open(b -> b);
        start(a);
        rawConnection.sync().zadd(prefix + ":user:bob", 1.0, "deadnode.1");

        assertThat(a.register("bob", a.nodeId() + ".1", 1).join()).isEmpty();
        assertThat(rawConnection.sync().zrange(prefix + ":user:bob", 0, -1)).containsExactly(a.nodeId() + ".1");
    }

    @Test
    void reportsAreEveryLiveNodesLastWords() {
        RedisBackplane a = open(b -> b);
        Recorder onA = start(a);
        a.append("jobs", "tick", "1").join();
        await().atMost(BOUND).until(() -> onA.events.size() == 1);

        await().atMost(BOUND)
                .until(() -> "{\"events\":1}".equals(a.reports().join().get(a.nodeId())));
        a.close();
        assertThat(b().reports().join()).doesNotContainKey(a.nodeId());
    }

    private RedisBackplane b() {
        RedisBackplane other = open(b -> b);
        start(other);
        return other;
    }

    private RedisBackplane open(java.util.function.UnaryOperator<RedisBackplane.Builder> settings) {
        RedisBackplane backplane = settings.apply(
                        RedisBackplane.builder(redis.uri()).keyPrefix(prefix))
                .build();
        opened.add(backplane);
        return backplane;
    }

    private static Recorder start(RedisBackplane backplane) {
        Recorder recorder = new Recorder();
        backplane.start(recorder);
        await().atMost(BOUND).until(() -> recorder.position() != null);
        return recorder;
    }

    private static List<String> data(Replay replay) {
        return replay.events().stream().map(e -> e.event().data()).toList();
    }

    private static Map<String, List<String>> byChannel(List<Event> events) {
        Map<String, List<String>> byChannel = new LinkedHashMap<>();
        for (Event event : events) {
            byChannel.computeIfAbsent(event.channel(), c -> new ArrayList<>()).add(event.data());
        }
        return byChannel;
    }

    private static void assertCursorsOnlyMoveForward(List<Event> events) {
        Cursor previous = null;
        for (Event event : events) {
            Cursor cursor = Cursor.parse(event.id(), 4);
            assertThat(cursor).isNotNull();
            if (previous != null) {
                assertThat(cursor.reaches(previous)).isTrue();
                assertThat(cursor).isNotEqualTo(previous);
            }
            previous = cursor;
        }
    }

    /**
     * The events, gaps and position a backplane's reader was given. With {@link #hold} set, the
     * reader thread waits in {@link #event} after recording an event, as a node too busy to keep up.
     */
    static final class Recorder implements Backplane.Reader {
        final List<Event> events = new CopyOnWriteArrayList<>();
        /** Each gap reported: its cursor, then after how many events it came. */
        final List<String> missed = new CopyOnWriteArrayList<>();

        volatile CountDownLatch hold;
        private volatile String position;

        @Override
        public void event(Event event) {
            events.add(event);
            position = event.id();
            CountDownLatch latch = hold;
            if (latch != null) {
                try {
                    latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void missed(String cursor) {
            missed.add(cursor + " after " + events.size());
            position = cursor;
        }

        @Override
        public void position(String cursor) {
            position = cursor;
        }

        String position() {
            return position;
        }

        @Override
        public CompletableFuture<String> request(String request) {
            return CompletableFuture.completedFuture("answer to " + request);
        }

        @Override
        public String report() {
            return "{\"events\":" + events.size() + "}";
        }
    }
}
