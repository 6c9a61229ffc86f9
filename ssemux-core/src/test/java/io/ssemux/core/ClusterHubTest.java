package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.spi.Backplane;
import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.EventLog;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.Replay;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub in cluster mode, on a shared log whose reader the test moves by hand: when a node is
 * behind, when a replay is slow or fails, the handover from replay to live stays exact.
 */
class ClusterHubTest {
    private final ManualScheduler time = new ManualScheduler();
    private final SharedLog log = new SharedLog();
    private final List<Hub> hubs = new ArrayList<>();

    @AfterEach
    void closeHubs() {
        hubs.forEach(Hub::close);
    }

    @Test
    void aPublishReachesSubscribersOnlyWhenTheReaderBringsItBack() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        RecordingSink sink = connect(hub, "alice", null, "jobs");

        PublishResult result = hub.publish("jobs", "tick", "1");

        assertThat(result.id()).isEqualTo("c1");
        assertThat(result.delivered()).isEqualTo(1);
        assertThat(data(sink)).isEmpty();
        node.feed();
        assertThat(data(sink)).containsExactly("1");
    }

    @Test
    void aResumeGetsItsReplayBeforeTheLiveEventsThatCameMeanwhile() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        for (int i = 1; i <= 5; i++) {
            hub.publish("jobs", "tick", Integer.toString(i));
        }
        node.feed();
        node.holdReplays = true;

        RecordingSink sink = connect(hub, "alice", "c2", "jobs");
        hub.publish("jobs", "tick", "6");
        hub.publish("jobs", "tick", "7");
        node.feed();
        assertThat(data(sink)).isEmpty();
        node.releaseReplays();

        assertThat(data(sink)).containsExactly("3", "4", "5", "6", "7");
        assertThat(ids(sink)).containsExactly("c3", "c4", "c5", "c6", "c7");
    }

    @Test
    void aCursorFromANodeThatReadFurtherWaitsUntilThisNodesReaderGetsThere() {
        SharedLog.Node ahead = log.node("a");
        SharedLog.Node behind = log.node("b");
        Hub first = hub(ahead);
        Hub second = hub(behind);
        for (int i = 1; i <= 5; i++) {
            first.publish("jobs", "tick", Integer.toString(i));
        }
        ahead.feed();
        behind.feed(3);

        RecordingSink sink = connect(second, "alice", "c5", "jobs");
        first.publish("jobs", "tick", "6");
        behind.feed(1);
        assertThat(data(sink)).isEmpty(); // event 4 is before its cursor: not sent, not indexed yet
        behind.feed();

        assertThat(data(sink)).containsExactly("6");
        assertThat(sink.types()).doesNotContain("reset");
    }

    @Test
    void aCursorTheReaderNeverReachesIsAnUnknownIdResetAfterTheWait() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        hub.publish("jobs", "tick", "1");
        node.feed();

        RecordingSink sink = connect(hub, "alice", "c99", "jobs");
        assertThat(sink.types()).containsExactly("connected");
        time.advance(DefaultHub.RESUME_WAIT);

        assertThat(sink.types()).containsExactly("connected", "reset");
        assertThat(sink.text())
                .contains("id: c1\nevent: reset\ndata: {\"reason\":\"unknown_id\",\"lastEventId\":\"c99\"}");
        hub.publish("jobs", "tick", "2");
        node.feed();
        assertThat(data(sink)).containsExactly("2");
    }

    @Test
    void aFloodOfCursorsAheadWaitsOnlyUpToTheCapTheRestAreResetAtOnce() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node, DefaultHub.MAX_AWAITING + 10);
        node.feed();

        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < DefaultHub.MAX_AWAITING + 10; i++) {
            sinks.add(connect(hub, "u" + i, "c99", "jobs"));
        }

        assertThat(sinks.subList(0, DefaultHub.MAX_AWAITING))
                .allSatisfy(sink -> assertThat(sink.types()).containsExactly("connected"));
        assertThat(sinks.subList(DefaultHub.MAX_AWAITING, sinks.size()))
                .allSatisfy(sink -> assertThat(sink.types()).containsExactly("connected", "reset"));
        time.advance(DefaultHub.RESUME_WAIT);
        assertThat(sinks).allSatisfy(sink -> assertThat(sink.types()).containsExactly("connected", "reset"));
    }

    @Test
    void aCursorOfAnotherKindIsAResetAtOnce() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        node.feed();

        RecordingSink sink = connect(hub, "alice", "1795823131000000", "jobs");

        assertThat(sink.types()).containsExactly("connected", "reset");
        assertThat(sink.text()).contains("\"reason\":\"unknown_id\"");
    }

    @Test
    void aReplayTheLogCannotAnswerIsAskedForAgainAndLosesNothing() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        for (int i = 1; i <= 3; i++) {
            hub.publish("jobs", "tick", Integer.toString(i));
        }
        node.feed();
        node.failingReplays = 2;

        RecordingSink sink = connect(hub, "alice", "c1", "jobs");
        assertThat(data(sink)).isEmpty();
        time.advance(DefaultHub.REPLAY_RETRY);
        assertThat(data(sink)).isEmpty();
        time.advance(DefaultHub.REPLAY_RETRY);

        assertThat(data(sink)).containsExactly("2", "3");
    }

    @Test
    void eventsTrimmedBeforeThisNodeReadThemGiveEveryStreamATooOldResetInOrderWithItsEvents() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        RecordingSink jobs = connect(hub, "alice", null, "jobs");
        RecordingSink other = connect(hub, "bob", null, "photos");
        for (int i = 1; i <= 4; i++) {
            hub.publish("jobs", "tick", Integer.toString(i));
        }
        node.feed(1);

        node.skip(2);
        node.feed();

        assertThat(jobs.text())
                .containsSubsequence(
                        "id: c1\nevent: tick\ndata: 1\n\n",
                        "id: c3\nevent: reset\ndata: {\"reason\":\"too_old\",\"lastEventId\":\"c1\"}\n\n",
                        "id: c4\nevent: tick\ndata: 4\n\n");
        assertThat(data(jobs)).containsExactly("1", "4");
        assertThat(other.text()).contains("id: c3\nevent: reset\ndata: {\"reason\":\"too_old\"");
        assertThat(ids(other)).containsExactly("c3");
    }

    @Test
    void aResumeFromTheResetsIdGetsEverythingAfterTheGapAndNoSecondReset() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        for (int i = 1; i <= 4; i++) {
            hub.publish("jobs", "tick", Integer.toString(i));
        }
        node.feed(1);
        node.skip(2);
        node.feed();

        RecordingSink resumed = connect(hub, "alice", "c3", "jobs");

        assertThat(resumed.text()).doesNotContain("event: reset");
        assertThat(data(resumed)).containsExactly("4");
    }

    @Test
    void aStreamWaitingForItsReplayStillGetsHeartbeats() {
        SharedLog.Node node = log.node("a");
        Hub hub = hub(node);
        hub.publish("jobs", "tick", "1");
        node.feed();
        node.holdReplays = true;

        RecordingSink sink = connect(hub, "alice", "c1", "jobs");
        time.advance(hub.config().heartbeat());

        assertThat(sink.text()).contains(": heartbeat");
    }

    private Hub hub(SharedLog.Node node) {
        return hub(node, HubConfig.defaults().maxConnections());
    }

    private Hub hub(SharedLog.Node node, int maxConnections) {
        Hub hub = Hub.builder()
                .backplane(node)
                .maxConnections(maxConnections)
                .clock(time.clock())
                .scheduler(time)
                .build();
        hubs.add(hub);
        return hub;
    }

    private static RecordingSink connect(Hub hub, String user, String lastEventId, String... channels) {
        RecordingSink sink = new RecordingSink();
        hub.connect(
                new ConnectRequest(
                        Principal.of(user, Grants.all()), List.of(channels), Format.PLAIN, lastEventId, "127.0.0.1"),
                sink);
        return sink;
    }

    private static List<String> data(RecordingSink sink) {
        return lines(sink, "data: ").stream().filter(d -> !d.startsWith("{")).toList();
    }

    private static List<String> ids(RecordingSink sink) {
        return lines(sink, "id: ");
    }

    private static List<String> lines(RecordingSink sink, String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : sink.text().split("\n", -1)) {
            if (line.startsWith(prefix)) {
                found.add(line.substring(prefix.length()));
            }
        }
        return found;
    }

    /**
     * One log shared by the test's nodes: event i's cursor is {@code c<i>}. Each node reads it only
     * when the test {@linkplain Node#feed feeds} it, so the test decides who is behind.
     */
    static final class SharedLog {
        private final List<Event> events = new ArrayList<>();

        Node node(String id) {
            return new Node(id);
        }

        final class Node implements Backplane {
            private final String id;
            private Reader reader;
            private int read;
            boolean holdReplays;
            int failingReplays;
            private final List<Runnable> heldReplays = new ArrayList<>();

            Node(String id) {
                this.id = id;
            }

            /** Brings every event appended so far to this node's hub. */
            void feed() {
                feed(events.size() - read);
            }

            void feed(int n) {
                for (int i = 0; i < n; i++) {
                    reader.event(events.get(read++));
                }
            }

            /** Skips {@code n} events, as a reader that fell behind the trim finds them gone. */
            void skip(int n) {
                read += n;
                reader.missed("c" + read);
            }

            void releaseReplays() {
                holdReplays = false;
                heldReplays.forEach(Runnable::run);
                heldReplays.clear();
            }

            @Override
            public void start(Reader reader) {
                this.reader = reader;
                reader.position("c" + read);
            }

            @Override
            public CompletableFuture<String> append(String channel, String type, String data) {
                events.add(new Event("c" + (events.size() + 1), channel, type, data));
                return CompletableFuture.completedFuture("c" + events.size());
            }

            @Override
            public Standing standing(String position, String cursor) {
                if (!cursor.matches("c[0-9]{1,6}")) {
                    return Standing.INVALID;
                }
                return index(cursor) <= index(position) ? Standing.REACHED : Standing.AHEAD;
            }

            @Override
            public CompletableFuture<Replay> replay(
                    String after, String upTo, Predicate<String> channels, int maxEvents) {
                CompletableFuture<Replay> answer = new CompletableFuture<>();
                if (failingReplays > 0) {
                    failingReplays--;
                    answer.completeExceptionally(SsemuxException.unavailable("the log is down", null));
                    return answer;
                }
                Runnable reply = () -> {
                    List<EncodedEvent> missed = new ArrayList<>();
                    for (Event event : events.subList(index(after), index(upTo))) {
                        if (channels.test(event.channel())) {
                            missed.add(EncodedEvent.of(event));
                        }
                    }
                    answer.complete(Replay.of(missed));
                };
                if (holdReplays) {
                    heldReplays.add(reply);
                } else {
                    reply.run();
                }
                return answer;
            }

            private static int index(String cursor) {
                return Integer.parseInt(cursor.substring(1));
            }

            @Override
            public EventLog.Stats stats() {
                return new EventLog.Stats(events.size(), 0, null, null);
            }

            @Override
            public boolean reachable() {
                return true;
            }

            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public CompletableFuture<String> ask(String node, String request) {
                return reader.request(request);
            }

            @Override
            public CompletableFuture<List<String>> register(String user, String connectionId, int cap) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public void unregister(String user, String connectionId) {}

            @Override
            public CompletableFuture<Map<String, String>> reports() {
                return CompletableFuture.completedFuture(Map.of(id, reader.report()));
            }

            @Override
            public void close() {}
        }
    }
}
