package io.ssemux.client;

import static io.ssemux.client.FakeServer.connected;
import static io.ssemux.client.FakeServer.event;
import static io.ssemux.client.FakeServer.response;
import static io.ssemux.client.FakeServer.streamHead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ssemux.client.SseClient.State;
import io.ssemux.core.Event;
import io.ssemux.core.testing.ManualScheduler;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that refuse, lie, stall or send garbage: a raw socket on 127.0.0.1.
 * Tests of timing (backoff, Retry-After, dead streams) drive a {@link ManualScheduler}: time moves
 * only when they say, so they assert exact delays and never wait for a timer.
 */
class MisbehavingServerTest {
    private static final Duration WAIT = Recorder.WAIT;
    private static final String JSON = "application/json; charset=utf-8";

    private final Recorder recorder = new Recorder();
    private final ManualScheduler time = new ManualScheduler();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        time.close();
    }

    /** A client on manual time; its connection starts at once, the reconnections when time moves. */
    private SseClient onManualTime(SseClientBuilder builder) {
        SseClient client = recorder.attach(builder.scheduler(time)).build();
        closing.add(0, client);
        return client;
    }

    private long reconnections() {
        return recorder.states.stream().filter(s -> s == State.RECONNECTING).count();
    }

    private FakeServer server(FakeServer.Script... scripts) throws IOException {
        FakeServer server = new FakeServer(scripts);
        closing.add(server);
        return server;
    }

    private SseClient client(FakeServer server) {
        // A long connect timeout, so that no test passes only because a wait timed out.
        SseClient client = recorder.attach(SseClient.builder(server.uri())
                        .channels("jobs")
                        .connectTimeout(Duration.ofMinutes(1))
                        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))))
                .build();
        closing.add(0, client);
        return client;
    }

    /** A healthy stream: connected, one event, then silence with heartbeats announced every 30 s. */
    private static FakeServer.Script healthy(String id) {
        return exchange -> exchange.write(
                        streamHead() + connected("30") + event(id, "job_completed", "jobs", "{\"id\":" + id + "}"))
                .hold();
    }

    @Test
    void a500WithAJsonErrorIsReportedThenRetriedUntilItWorks() throws Exception {
        FakeServer server = server(
                exchange -> exchange.write(response(
                        500, JSON, "{\"status\":500,\"error\":\"internal_error\",\"message\":\"database down\"}")),
                healthy("1"));
        SseClient client = client(server);

        assertThat(recorder.next().data()).isEqualTo("{\"id\":1}");
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).endsWith(": 500 internal_error: database down");
        });
        assertThat(recorder.states).containsExactly(State.RECONNECTING, State.OPEN);
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void a401FailsTheClientWithoutRetrying() throws Exception {
        FakeServer server = server(exchange -> exchange.write(
                response(401, JSON, "{\"status\":401,\"error\":\"unauthorized\",\"message\":\"no valid token\"}")));
        SseClient client = client(server);

        await().atMost(WAIT).until(() -> client.state() == State.FAILED);
        await().atMost(WAIT).until(() -> !recorder.errors.isEmpty());
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage())
                    .startsWith("GET " + server.uri() + "/api/sse/stream?channels=jobs&format=envelope")
                    .endsWith(": 401 unauthorized: no valid token");
        });
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.requests.size() == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.states).containsExactly(State.FAILED));
    }

    @Test
    void aResponseThatIsNotAnEventStreamIsReportedAndFailsTheClient() throws Exception {
        FakeServer server =
                server(exchange -> exchange.write(response(200, "text/html", "<html>please log in</html>")));
        SseClient client = client(server);

        await().atMost(WAIT).until(() -> client.state() == State.FAILED);
        await().atMost(WAIT).until(() -> !recorder.errors.isEmpty());
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.getMessage()).endsWith(": 200 with Content-Type 'text/html' (expected: text/event-stream)");
        });
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> server.requests.size() == 1);
    }

    @Test
    void a429IsRetriedNoSoonerThanItsRetryAfter() throws Exception {
        FakeServer server = server(
                exchange -> exchange.write(response(
                        429,
                        JSON,
                        "{\"status\":429,\"error\":\"too_many\",\"message\":\"slow down\"}",
                        "Retry-After: 1")),
                healthy("1"));
        SseClient client = onManualTime(SseClient.builder(server.uri())
                .channels("jobs")
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        await().atMost(WAIT).until(() -> client.state() == State.RECONNECTING); // the reconnection is scheduled
        time.advance(Duration.ofMillis(999));
        assertThat(time.pending()).as("the reconnection still waits").isEqualTo(1);
        assertThat(server.requests).hasSize(1);
        time.advance(Duration.ofMillis(1));

        assertThat(recorder.next().id()).isEqualTo("1");
        assertThat(server.requests).hasSize(2);
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.getMessage()).endsWith(": 429 too_many: slow down");
        });
    }

    /** A stream that delivers one event, then is drained: told to come back in 400 ms, then closed. */
    private static FakeServer.Script drained(String id) {
        return exchange -> exchange.write(
                streamHead() + connected("30") + event(id, "job_completed", "jobs", id)
                        + "retry: 400\r\nevent: draining\r\ndata: {\"reason\":\"shutdown\",\"reconnectAfterMillis\":400}\r\n\r\n");
    }

    @Test
    void aDrainedStreamReconnectsAfterTheServersDelayEachTimeWithoutAnErrorAndResumes() throws Exception {
        FakeServer server = server(drained("1"), drained("2"), drained("3"), healthy("4"));
        SseClient client = onManualTime(SseClient.builder(server.uri())
                .channels("jobs")
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        for (String id : List.of("1", "2", "3")) {
            assertThat(recorder.next().id()).isEqualTo(id);
            await().atMost(WAIT).until(() -> client.state() == State.RECONNECTING && time.pending() == 1);
            int before = server.requests.size();
            time.advance(Duration.ofMillis(399));
            assertThat(server.requests).as("not before the server's delay").hasSize(before);
            time.advance(Duration.ofMillis(1)); // the same delay every time: a drain is no failure
        }

        assertThat(recorder.next().id()).isEqualTo("4");
        assertThat(server.requests).extracting(r -> r.header("Last-Event-ID")).containsExactly(null, "1", "2", "3");
        assertThat(recorder.errors).isEmpty();
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aStreamSilentForThreeHeartbeatsIsReplacedAndResumesFromTheLastId() throws Exception {
        FakeServer server = server(
                exchange -> exchange.write(streamHead() + connected("0.2") + event("7", "job_completed", "jobs", "7"))
                        .hold(), // then nothing, not even a heartbeat
                healthy("8"));
        SseClient client = onManualTime(SseClient.builder(server.uri())
                .channels("jobs")
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        assertThat(recorder.next().id()).isEqualTo("7");
        time.advance(Duration.ofMillis(599));
        assertThat(client.state()).as("silent for less than 3 × 0.2 s").isEqualTo(State.OPEN);
        time.advance(Duration.ofMillis(1));
        assertThat(client.state()).as("silent for 3 × 0.2 s").isEqualTo(State.RECONNECTING);
        time.advance(Duration.ofMillis(50)); // the longest backoff

        assertThat(recorder.next().id()).isEqualTo("8");
        assertThat(server.requests.get(0).header("Last-Event-ID")).isNull();
        assertThat(server.requests.get(1).header("Last-Event-ID")).isEqualTo("7");
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isZero();
            assertThat(e.getMessage())
                    .isEqualTo(
                            "no bytes for 0.600 s (3.0 × the heartbeat of 0.200 s): the connection is dead, reconnecting");
        });
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void heartbeatsKeepASilentStreamAlive() throws Exception {
        // On real time: the heartbeats must come while the client watches. 10 heartbeats, one per
        // tick of a 100 ms clock, against a limit of 3 × 0.2 s: only a stall of half a second could fail it.
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        Semaphore ticks = new Semaphore(0);
        clock.scheduleAtFixedRate(ticks::release, 100, 100, TimeUnit.MILLISECONDS);
        try {
            FakeServer server = server(exchange -> {
                exchange.write(streamHead() + connected("0.2"));
                for (int i = 0; i < 10; i++) {
                    ticks.acquire(); // the server's pace
                    exchange.write(": heartbeat\n\n");
                }
                exchange.write(event("1", "t", "jobs", "1")).hold();
            });
            SseClient client = client(server);

            assertThat(recorder.next().id()).isEqualTo("1");
            assertThat(server.requests).hasSize(1);
            assertThat(recorder.errors).isEmpty();
            assertThat(client.state()).isEqualTo(State.OPEN);
        } finally {
            clock.shutdownNow();
        }
    }

    @Test
    void garbageIsIgnoredAsTheSpecSays() throws Exception {
        String stream =
                "\uFEFF" // a byte order mark
                        + "retry: soon\r\n" // not digits: ignored
                        + "what is this\r\n" // a field without a colon: ignored
                        + ": a comment\r\n\r\n"
                        + connected("30").replace("\n", "\r\n") // CRLF line ends
                        + "event: lonely\n\n" // no data: nothing dispatched
                        + "nonsense: 1\nid: 1\ndata: {\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"n\":1}}\n\n"
                        + "id: 2\rdata: {\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"n\":2}}\r\r" // CR
                        // line ends
                        + "id: 3\nevent: not_enveloped\ndata: [1,2]\n\n" // not an envelope: skipped, the id counts
                        + "id: 4\0\ndata: {\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"n\":4}}\n\n" // id with NUL: ignored
                        + "id: 5\ndata: {\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"n\":5}}\n"; // unterminated
        FakeServer server = server(
                exchange -> exchange.write(streamHead() + stream), // then the connection closes
                exchange -> exchange.write(streamHead() + connected("30")).hold());
        SseClient client = client(server);

        List<Event> events = recorder.next(3);
        assertThat(events)
                .extracting(Event::id, Event::data)
                .containsExactly(tuple("1", "{\"n\":1}"), tuple("2", "{\"n\":2}"), tuple("3", "{\"n\":4}"));
        await().atMost(WAIT).until(() -> server.requests.size() == 2 && client.state() == State.OPEN);
        assertThat(server.requests.get(1).header("Last-Event-ID")).isEqualTo("3");
        assertThat(recorder.events).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void anUnreachableServerIsRetriedWithEveryFailureReported() throws Exception {
        FakeServer server = server(exchange -> {});
        URI gone = server.uri();
        server.close(); // nothing listens on the port any more
        SseClient client = recorder.attach(SseClient.builder(gone)
                        .channels("jobs")
                        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(20))))
                .build();
        closing.add(0, client);

        await().atMost(WAIT).until(() -> recorder.errors.size() >= 3);
        assertThat(client.state()).isEqualTo(State.RECONNECTING);
        assertThat(recorder.errors).allSatisfy(e -> {
            assertThat(e.status()).isZero();
            assertThat(e.getMessage())
                    .startsWith("GET " + gone + "/api/sse/stream")
                    .contains("ConnectException");
        });
    }

    @Test
    void aStreamThatNeverSaysConnectedIsReplacedAfterTheConnectTimeout() throws Exception {
        FakeServer server =
                server(exchange -> exchange.write(streamHead() + ": hello\n\n").hold(), healthy("1"));
        SseClient client = onManualTime(SseClient.builder(server.uri())
                .channels("jobs")
                .connectTimeout(Duration.ofMillis(300))
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        await().atMost(WAIT).until(() -> time.pending() == 1); // the stream is open: the wait for connected runs
        time.advance(Duration.ofMillis(299));
        assertThat(client.state()).isEqualTo(State.CONNECTING);
        time.advance(Duration.ofMillis(1));
        assertThat(client.state()).isEqualTo(State.RECONNECTING);
        time.advance(Duration.ofMillis(50));

        assertThat(recorder.next().id()).isEqualTo("1");
        assertThat(recorder.errors)
                .singleElement()
                .satisfies(
                        e -> assertThat(e.getMessage()).isEqualTo("no connected event within 0.300 s, reconnecting"));
    }

    @Test
    void aStreamOpenedWithOutdatedChannelsIsBroughtUpToDate() throws Exception {
        // As when subscribe() races a reconnection: the stream says it carries jobs only.
        FakeServer server = server(
                exchange -> exchange.write(streamHead() + connected("30")).hold(),
                exchange -> exchange.write(
                        response(200, JSON, "{\"connectionId\":\"c1\",\"channels\":[\"alerts\",\"jobs\"]}")));
        SseClient client = recorder.attach(SseClient.builder(server.uri())
                        .channels("jobs", "alerts")
                        .user("bob")
                        .header("Authorization", "Bearer t0k3n"))
                .build();
        closing.add(0, client);

        await().atMost(WAIT).until(() -> server.requests.size() == 2);
        FakeServer.Request change = server.requests.get(1);
        assertThat(change.line()).isEqualTo("POST /api/sse/subscriptions?user=bob HTTP/1.1");
        assertThat(change.header("Authorization")).isEqualTo("Bearer t0k3n");
        assertThat(change.header("Content-Type")).isEqualTo("application/json");
        assertThat(change.body()).isEqualTo("{\"connectionId\":\"c1\",\"subscribe\":[\"alerts\"],\"unsubscribe\":[]}");
        assertThat(server.requests.get(0).line())
                .isEqualTo("GET /api/sse/stream?channels=alerts,jobs&format=envelope&user=bob HTTP/1.1");
        assertThat(server.requests.get(0).header("Accept")).isEqualTo("text/event-stream");
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> server.requests.size() == 2);
        assertThat(recorder.errors).isEmpty();
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void backoffGrowsWhileStreamsEndAtOnceAndStartsOverAfterOneDeliversAnEvent() throws Exception {
        FakeServer.Script endsAtOnce = exchange -> exchange.write(streamHead() + connected("30"));
        FakeServer server = server(
                endsAtOnce,
                endsAtOnce,
                endsAtOnce,
                endsAtOnce,
                exchange -> exchange.write(streamHead() + connected("30") + event("1", "t", "jobs", "1")),
                healthy("2"));
        // Jitter at its top: each delay is just under its ceiling, 100, 200, 400, 800 ms, then 100 ms again.
        onManualTime(SseClient.builder(server.uri())
                .channels("jobs")
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(10)))
                .random(() -> Math.nextDown(1.0)));

        List<Integer> gaps = List.of(100, 200, 400, 800, 100);
        for (int i = 0; i < gaps.size(); i++) {
            int reconnection = i + 1;
            // Once RECONNECTING is told, the reconnection is scheduled and the only task waiting.
            await().atMost(WAIT).until(() -> reconnections() == reconnection);
            time.advance(Duration.ofMillis(gaps.get(i) - 1));
            assertThat(time.pending())
                    .as("reconnection %d waits more than %d ms", reconnection, gaps.get(i) - 1)
                    .isEqualTo(1);
            time.advance(Duration.ofMillis(1));
            await().atMost(WAIT).until(() -> server.requests.size() == reconnection + 1);
        }

        assertThat(recorder.next(2)).extracting(Event::id).containsExactly("1", "2");
        assertThat(server.requests).hasSize(6);
        assertThat(recorder.errors).isEmpty();
    }
}
