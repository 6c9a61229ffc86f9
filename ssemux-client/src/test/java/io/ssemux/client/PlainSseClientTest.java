package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ssemux.client.SseClient.State;
import io.ssemux.core.testing.ManualScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client on a plain SSE endpoint that knows nothing of ssemux: the JDK's own HTTP server on
 * 127.0.0.1, writing {@code text/event-stream} by hand.
 */
class PlainSseClientTest {
    private static final Duration WAIT = Recorder.WAIT;

    /** Answers the n-th request with the n-th script (the last one for every request after). */
    @FunctionalInterface
    interface Script {
        void answer(HttpExchange exchange) throws Exception;
    }

    private final ManualScheduler time = new ManualScheduler();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
    private final List<ServerSentEvent> events = new CopyOnWriteArrayList<>();
    private final List<SseClientException> errors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        stopping.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        time.close();
    }

    private URI serve(Script... scripts) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads); // a held stream must not block the next request
        AtomicInteger served = new AtomicInteger();
        server.createContext("/feed", exchange -> {
            requests.add(Map.copyOf(exchange.getRequestHeaders()));
            try (exchange) {
                scripts[Math.min(served.getAndIncrement(), scripts.length - 1)].answer(exchange);
            } catch (Exception e) {
                // The client went away, or the test ended.
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed");
    }

    /** Starts an event stream and writes {@code text}. */
    private static void stream(HttpExchange exchange, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        write(exchange, text);
    }

    private static void write(HttpExchange exchange, String text) throws IOException {
        OutputStream body = exchange.getResponseBody();
        body.write(text.getBytes(StandardCharsets.UTF_8));
        body.flush();
    }

    private void hold() throws InterruptedException {
        stopping.await();
    }

    private PlainSseClientBuilder client(URI url) {
        return SseClient.forUrl(url).onEvent(events::add).onError(errors::add);
    }

    private <T extends AutoCloseable> T closeLater(T client) {
        closing.add(0, client);
        return client;
    }

    private static String lastEventIdOf(Map<String, List<String>> headers) {
        List<String> values = headers.get("Last-event-id");
        return values == null ? null : values.get(0);
    }

    @Test
    void readsEveryEventOnceInOrderAndResumesWithLastEventIdAfterTheStreamCloses() throws Exception {
        List<ServerSentEvent> greetings = new CopyOnWriteArrayList<>();
        URI url = serve(
                exchange -> stream(
                        exchange,
                        "retry: 50\n"
                                + ": a comment\n\n"
                                + "data: first\n\n"
                                + "id: 1\nevent: greeting\ndata: hello\n\n"
                                + "id: 2\ndata: line one\ndata: line two\n\n"
                                + "event: greeting\ndata: again\n\n"
                                + "id: 3\ndata: last before the close\n\n"), // then the server closes the stream
                exchange -> {
                    stream(exchange, "id: 4\ndata: after\n\n");
                    hold();
                });
        PlainSseClient client = closeLater(client(url)
                .on("greeting", greetings::add)
                .scheduler(time)
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(20)))
                .random(() -> 0)
                .build());

        await().atMost(WAIT).until(() -> events.size() == 5 && client.state() == State.RECONNECTING);
        time.advance(Duration.ofMillis(49));
        assertThat(time.pending()).as("retry: 50 raised the 10 ms floor").isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        await().atMost(WAIT).until(() -> events.size() >= 6 && client.state() == State.OPEN);

        assertThat(events)
                .containsExactly(
                        new ServerSentEvent("", "message", "first"),
                        new ServerSentEvent("1", "greeting", "hello"),
                        new ServerSentEvent("2", "message", "line one\nline two"),
                        new ServerSentEvent("2", "greeting", "again"),
                        new ServerSentEvent("3", "message", "last before the close"),
                        new ServerSentEvent("4", "message", "after"));
        assertThat(greetings).extracting(ServerSentEvent::data).containsExactly("hello", "again");
        assertThat(requests).hasSize(2);
        assertThat(lastEventIdOf(requests.get(0))).isNull();
        assertThat(lastEventIdOf(requests.get(1))).isEqualTo("3");
        assertThat(requests.get(0).get("Accept")).containsExactly("text/event-stream");
        assertThat(client.lastEventId()).isEqualTo("4");
        assertThat(errors).isEmpty();
    }

    @Test
    void aStreamSilentForTheIdleTimeoutIsReplaced() throws Exception {
        URI url = serve(
                exchange -> {
                    stream(exchange, "id: a\ndata: 1\n\n");
                    hold(); // then nothing
                },
                exchange -> {
                    stream(exchange, "id: b\ndata: 2\n\n");
                    hold();
                });
        PlainSseClient client = closeLater(client(url)
                .idleTimeout(Duration.ofSeconds(5))
                .scheduler(time)
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(20)))
                .build());

        await().atMost(WAIT).until(() -> events.size() == 1);
        time.advance(Duration.ofMillis(4_999));
        assertThat(client.state()).isEqualTo(State.OPEN);
        time.advance(Duration.ofMillis(1));
        assertThat(client.state()).isEqualTo(State.RECONNECTING);
        time.advance(Duration.ofMillis(20));

        await().atMost(WAIT).until(() -> events.size() == 2);
        assertThat(events).extracting(ServerSentEvent::id).containsExactly("a", "b");
        assertThat(lastEventIdOf(requests.get(1))).isEqualTo("a");
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        assertThat(errors)
                .singleElement()
                .extracting(SseClientException::getMessage)
                .isEqualTo("no bytes for 5.000 s (the idle timeout of 5.000 s): the connection is dead, reconnecting");
    }

    @Test
    void aRefusalIsReportedWithItsStatusAndFailsTheClient() throws Exception {
        URI url = serve(exchange -> {
            byte[] body = "{\"message\":\"who are you?\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
        });
        PlainSseClient client = closeLater(client(url).build());

        await().atMost(WAIT).until(() -> client.state() == State.FAILED && !errors.isEmpty());
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).isEqualTo("GET " + url + ": 401 who are you?");
        });
        assertThat(requests).hasSize(1);
    }

    @Test
    void aSuppliedHttpClientIsTheOneUsedAndOutlivesTheClient() throws Exception {
        URI url = serve(exchange -> {
            stream(exchange, "data: hi\n\n");
            hold();
        });
        List<URI> proxied = new CopyOnWriteArrayList<>();
        ProxySelector direct = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                proxied.add(uri);
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {}
        };
        ExecutorService executor = Executors.newCachedThreadPool();
        closing.add(executor::shutdownNow);
        HttpClient http =
                HttpClient.newBuilder().proxy(direct).executor(executor).build();

        PlainSseClient first = client(url).httpClient(http).name("supplied").build();
        await().atMost(WAIT).until(() -> events.size() == 1);
        assertThat(proxied).contains(url);
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("supplied-http-"));
        first.close();

        assertThat(executor.isShutdown()).as("the application's executor").isFalse();
        PlainSseClient second = closeLater(client(url).httpClient(http).build());
        await().atMost(WAIT).until(() -> events.size() == 2 && second.state() == State.OPEN);
        assertThat(proxied).hasSize(2);
    }
}
