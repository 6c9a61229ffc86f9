package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ssemux.client.SseClient.State;
import io.ssemux.core.Event;
import io.ssemux.core.HubStats;
import io.ssemux.core.HubTop;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real ssemux (hub and Netty server in process, real sockets on 127.0.0.1). */
class SseClientTest {
    private static final Duration WAIT = Recorder.WAIT;
    private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200));

    private LiveServer server;
    private final Recorder recorder = new Recorder();
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        // Large events: room for 300 of 100 KB in one event and in the history, which the slow-handler test replays.
        server = new LiveServer(
                h -> h.retry(Duration.ofMillis(50)).maxEventBytes(256 << 10).historyMaxBytes(256L << 20));
    }

    @AfterEach
    void stop() {
        clients.forEach(SseClient::close);
        server.close();
    }

    private SseClientBuilder client(String... channels) {
        return recorder.attach(
                SseClient.builder(server.uri()).channels(channels).user("alice").backoff(FAST));
    }

    private SseClient open(SseClientBuilder builder) {
        SseClient client = builder.build();
        clients.add(client);
        await().atMost(WAIT).until(() -> client.state() == State.OPEN);
        return client;
    }

    private HubStats stats() {
        return server.hub().stats();
    }

    @Test
    void receivesEventsByTypeAndByChannelOverOneConnection() {
        List<Event> completed = new CopyOnWriteArrayList<>();
        List<Event> pendingChanges = new CopyOnWriteArrayList<>();
        open(client("jobs", "pending-changes")
                .on("job_completed", completed::add)
                .onChannel("pending-changes", pendingChanges::add));

        server.hub().publish("jobs", "job_started", "{\"id\":42}");
        server.hub().publish("jobs", "job_completed", "{\"id\":42,\"status\":\"done\"}");
        server.hub().publish("pending-changes", "manifest_changed", "{\"project_folder\":\"p1\"}");
        server.hub().publish("elsewhere", "job_completed", "{\"id\":0}");

        List<Event> all = recorder.next(3);
        assertThat(all).extracting(Event::type).containsExactly("job_started", "job_completed", "manifest_changed");
        assertThat(all).extracting(Event::channel).containsExactly("jobs", "jobs", "pending-changes");
        assertThat(completed).singleElement().satisfies(e -> {
            assertThat(e.channel()).isEqualTo("jobs");
            assertThat(e.data()).isEqualTo("{\"id\":42,\"status\":\"done\"}");
            assertThat(e.id()).isEqualTo(all.get(1).id()).isNotEmpty();
        });
        assertThat(pendingChanges).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("manifest_changed");
            assertThat(e.data()).isEqualTo("{\"project_folder\":\"p1\"}");
        });
        assertThat(stats().connections()).isEqualTo(1);
        assertThat(stats().connectionsOpened()).isEqualTo(1);
        assertThat(server.hub().top(100).channels())
                .extracting(HubTop.Entry::name)
                .containsOnly("jobs", "pending-changes");
    }

    @Test
    void handlersRunOneAtATimeInStreamOrderOnTheEventThread() {
        List<String> order = new CopyOnWriteArrayList<>();
        open(client("jobs")
                .name("ordered")
                .on("t", e -> order.add("type " + e.data()))
                .onChannel("jobs", e -> order.add("channel " + e.data())));

        for (int i = 0; i < 100; i++) {
            server.hub().publish("jobs", "t", Integer.toString(i));
        }

        recorder.next(100);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("type " + i);
            expected.add("channel " + i);
        }
        assertThat(order).containsExactlyElementsOf(expected);
        assertThat(Set.copyOf(recorder.threads)).containsExactly("ordered-events");
    }

    @Test
    void aSlowHandlerHoldsBackTheSocketNotTheHeapAndLosesNothing() throws Exception {
        int events = 300;
        String filler = "x".repeat(100_000);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        open(client("jobs").maxQueuedEvents(8).on("chunk", e -> {
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            handled.add(Integer.parseInt(e.data().substring(1, e.data().indexOf(':'))));
        }));

        // 100 KB every 5 ms: a client that kept reading would keep up. This one stops reading once
        // 8 handler calls wait, so the server holds the rest and cuts it as a slow consumer.
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        try {
            publisher.scheduleAtFixedRate(
                    () -> {
                        int i = next.getAndIncrement();
                        if (i < events) {
                            server.hub().publish("jobs", "chunk", "\"" + i + ":" + filler + "\"");
                        }
                    },
                    0,
                    5,
                    TimeUnit.MILLISECONDS);
            await().atMost(WAIT).until(() -> stats().slowConsumerDisconnects() >= 1);
            release.countDown();
            await().atMost(WAIT).until(() -> next.get() >= events);
        } finally {
            publisher.shutdownNow();
        }

        await().atMost(WAIT).until(() -> handled.size() >= events);
        assertThat(handled).hasSize(events);
        for (int i = 0; i < events; i++) {
            assertThat(handled.get(i)).as("event #%d", i).isEqualTo(i);
        }
    }

    @Test
    void aHandlerThatThrowsIsLoggedAndTheStreamGoesOn() {
        open(client("jobs").on("boom", e -> {
            throw new IllegalStateException("handler bug");
        }));

        server.hub().publish("jobs", "boom", "1");
        server.hub().publish("jobs", "fine", "2");

        assertThat(recorder.next(2)).extracting(Event::type).containsExactly("boom", "fine");
        assertThat(stats().connectionsOpened()).isEqualTo(1);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void subscribeAndUnsubscribeChangeTheLiveConnectionWithoutReconnecting() throws Exception {
        SseClient client = open(client("jobs"));

        assertThat(client.subscribe("pending-changes").get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .containsExactly("jobs", "pending-changes");
        server.hub().publish("pending-changes", "manifest_changed", "1");
        assertThat(recorder.next().type()).isEqualTo("manifest_changed");

        assertThat(client.unsubscribe("jobs").get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .containsExactly("pending-changes");
        server.hub().publish("jobs", "job_completed", "2");
        server.hub().publish("pending-changes", "manifest_changed", "3");
        assertThat(recorder.next().data()).isEqualTo("3");

        assertThat(client.channels()).containsExactly("pending-changes");
        assertThat(stats().connectionsOpened()).isEqualTo(1);
        assertThat(server.hub().top(100).channels())
                .extracting(HubTop.Entry::name)
                .containsOnly("pending-changes");
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void channelChangesRejectBadNamesAndAnEmptyCallAtTheCall() {
        SseClient client = open(client("jobs"));

        assertThatThrownBy(() -> client.subscribe("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel: 'a b' (expected: [A-Za-z0-9_.:-]{1,128})");
        assertThatThrownBy(client::subscribe).hasMessage("channels: none (expected: at least one)");
        assertThat(client.channels()).containsExactly("jobs");
    }

    @Test
    void aStreamUnsubscribedFromEverythingStaysOpenAndSubscribesAgain() throws Exception {
        SseClient client = open(client("jobs"));

        assertThat(client.unsubscribe("jobs").get(10, TimeUnit.SECONDS)).isEmpty();
        server.hub().publish("jobs", "job_completed", "1");
        assertThat(client.subscribe("jobs").get(10, TimeUnit.SECONDS)).containsExactly("jobs");
        server.hub().publish("jobs", "job_completed", "2");

        assertThat(recorder.next().data()).isEqualTo("2");
        assertThat(stats().connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aChangeRefusedByTheServerFailsAndIsUndone() {
        server.close();
        server = new LiveServer(h -> h.retry(Duration.ofMillis(50)).maxChannels(2));
        SseClient client = open(client("jobs", "alerts"));

        assertThat(client.subscribe("third"))
                .failsWithin(WAIT)
                .withThrowableOfType(Exception.class)
                .havingRootCause()
                .isInstanceOf(SseClientException.class)
                .withMessageContaining(": 400 bad_request: channels: 3 after the change (expected: at most 2)");
        assertThat(client.channels()).containsExactly("alerts", "jobs");
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void replaysTheEventsPublishedWhileTheConnectionWasDown() {
        SseClient client = open(client("jobs"));
        server.hub().publish("jobs", "t", "0");
        assertThat(recorder.next().data()).isEqualTo("0");

        server.stopServer(); // every stream drops; the hub and its history stay
        await().atMost(WAIT).until(() -> client.state() == State.RECONNECTING);
        for (int i = 1; i <= 20; i++) {
            server.hub().publish("jobs", "t", Integer.toString(i));
        }
        server.startServer();

        assertThat(recorder.next(20))
                .extracting(Event::data)
                .containsExactly(
                        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
                        "18", "19", "20");
        server.hub().publish("jobs", "t", "21");
        assertThat(recorder.next().data()).isEqualTo("21");
        assertThat(recorder.resets).isEmpty();
        assertThat(recorder.events).isEmpty();
        await().atMost(WAIT).until(() -> client.state() == State.OPEN);
        assertThat(stats().connections()).isEqualTo(1);
    }

    @Test
    void channelsChangedWhileDisconnectedApplyToTheNextConnection() throws Exception {
        SseClient client = open(client("jobs"));
        server.stopServer();
        await().atMost(WAIT).until(() -> client.state() == State.RECONNECTING);

        assertThat(client.subscribe("alerts").get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .containsExactly("alerts", "jobs");
        server.startServer();
        await().atMost(WAIT).until(() -> client.state() == State.OPEN);

        server.hub().publish("alerts", "alert", "1");
        assertThat(recorder.next().channel()).isEqualTo("alerts");
        assertThat(server.hub().top(100).channels())
                .extracting(HubTop.Entry::name)
                .containsOnly("alerts", "jobs");
    }

    @Test
    void resumesAfterAServerRestartWithAResetThenReceivesEveryLaterEvent() {
        SseClient client = open(client("jobs", "pending-changes"));
        server.hub().publish("jobs", "job_completed", "1");
        String beforeRestart = recorder.next().id();
        assertThat(client.lastEventId()).isEqualTo(beforeRestart);

        server.restart(); // a new run: its history knows nothing of the ids of the last one

        await().atMost(WAIT).until(() -> !recorder.resets.isEmpty() && client.state() == State.OPEN);
        assertThat(recorder.resets).singleElement().isEqualTo(new Reset("too_old", beforeRestart));
        for (int i = 0; i < 10; i++) {
            server.hub()
                    .publish(
                            i % 2 == 0 ? "jobs" : "pending-changes",
                            i % 2 == 0 ? "job_completed" : "manifest_changed",
                            Integer.toString(i));
        }
        List<Event> after = recorder.next(10);
        assertThat(after).extracting(Event::data).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(Long.parseLong(after.get(0).id())).isGreaterThan(Long.parseLong(beforeRestart));
        assertThat(client.lastEventId()).isEqualTo(after.get(9).id());
        assertThat(stats().connections()).isEqualTo(1);
    }

    @Test
    void aSeventhConnectionOfTheSameUserEvictsTheClientWhichThenStops() throws Exception {
        SseClient client = open(client("jobs"));
        List<Socket> others = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                others.add(rawStream("alice"));
            }

            assertThat(recorder.evicted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
            assertThat(client.state()).isEqualTo(State.EVICTED);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> stats().connectionsOpened() == 7);
            assertThat(server.hub().connectionsOf("alice")).isEqualTo(6);
            await().atMost(WAIT).until(() -> recorder.states.contains(State.EVICTED));
            assertThat(recorder.states).containsExactly(State.OPEN, State.EVICTED);
            assertThatThrownBy(() -> client.subscribe("x")).isInstanceOf(IllegalStateException.class);
            client.close();
            assertThat(client.state()).isEqualTo(State.EVICTED);
        } finally {
            for (Socket socket : others) {
                socket.close();
            }
        }
    }

    @Test
    void closeLeavesNoThreadAndNoConnectionBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        SseClient client = open(client("jobs").name("closing-client"));
        server.hub().publish("jobs", "t", "1");
        recorder.next();
        List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        started.removeIf(
                t -> !t.getName().startsWith("closing-client") && !t.getName().startsWith("HttpClient-"));
        assertThat(started)
                .extracting(Thread::getName)
                .contains("closing-client-scheduler", "closing-client-events")
                .anyMatch(name -> name.startsWith("closing-client-http-"));

        client.close();

        assertThat(client.state()).isEqualTo(State.CLOSED);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .extracting(Thread::getName)
                        .noneMatch(name -> name.startsWith("closing-client")));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(stats().connections()).isZero();
            assertThat(stats().connectionsClosed()).isEqualTo(1);
        });
        assertThat(recorder.states).containsExactly(State.OPEN, State.CLOSED);
        // The JDK 17 HttpClient has no close(): its selector thread ends once the client is unreachable.
        await().atMost(WAIT).untilAsserted(() -> {
            System.gc();
            assertThat(started).filteredOn(Thread::isAlive).isEmpty();
        });
    }

    @Test
    void closeWhileReconnectingStopsAtOnce() {
        SseClient client = open(client("jobs")
                .name("closing-reconnecting")
                .backoff(Backoff.exponential(Duration.ofMinutes(1), Duration.ofMinutes(1))));
        server.stopServer();
        await().atMost(WAIT).until(() -> client.state() == State.RECONNECTING);

        client.close(); // no thread sleeps through the backoff: nothing to wait for

        assertThat(client.state()).isEqualTo(State.CLOSED);
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(recorder.states).containsExactly(State.OPEN, State.RECONNECTING, State.CLOSED));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .extracting(Thread::getName)
                        .noneMatch(name -> name.startsWith("closing-reconnecting")));
    }

    @Test
    void closeFromAHandlerDoesNotDeadlock() {
        SseClient[] self = new SseClient[1];
        self[0] = open(client("jobs").name("self-closing").on("stop", e -> self[0].close()));

        server.hub().publish("jobs", "stop", "1");

        await().atMost(WAIT).until(() -> self[0].state() == State.CLOSED);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .extracting(Thread::getName)
                        .noneMatch(name -> name.startsWith("self-closing")));
        await().atMost(WAIT).until(() -> stats().connections() == 0);
    }

    /** A stream of {@code user} on a raw socket, read until its {@code connected} event. */
    private Socket rawStream(String user) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.uri().getPort());
        socket.getOutputStream()
                .write(("GET /api/sse/stream?user=" + user + "&channels=jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf("event: connected") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before connected: " + sb);
            }
            sb.append((char) b);
        }
        return socket;
    }
}
