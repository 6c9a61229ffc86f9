package io.ssemux.client;

import io.ssemux.core.time.Scheduler;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The options both kinds of client share: the connection, its resilience and its resources. The
 * public builders ({@link SseClientBuilder}, {@link PlainSseClientBuilder}) inherit them. Not
 * thread-safe.
 *
 * @param <B> the concrete builder, returned by every option
 */
abstract class ClientBuilderBase<B extends ClientBuilderBase<B>> {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final Map<String, String> headers = new LinkedHashMap<>();
    Consumer<SseClientException> onError = error -> LOG.log(Level.WARNING, "ssemux client: " + error.getMessage());
    Consumer<SseClient.State> onStateChange = state -> {};
    Backoff backoff = Backoff.defaults();
    int maxQueuedEvents = 10_000;
    Duration connectTimeout = Duration.ofSeconds(10);
    String name;
    DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    Scheduler scheduler;
    HttpClient httpClient;

    ClientBuilderBase() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A header sent with every request, such as {@code Authorization}. A second value for the same name replaces the first. */
    public B header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.equalsIgnoreCase("Last-Event-ID")) {
            throw new IllegalArgumentException(
                    "header: 'Last-Event-ID' (expected: another header; the client sends it itself)");
        }
        try {
            HttpRequest.newBuilder().header(name, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header: '" + name + "' (expected: " + e.getMessage() + ")", e);
        }
        headers.put(name, value);
        return self();
    }

    /**
     * Called with every failure of the connection: a refused or malformed response, an I/O error, a
     * dead stream (default: logs). The state says whether the client retries.
     */
    public B onError(Consumer<SseClientException> callback) {
        this.onError = Objects.requireNonNull(callback, "callback");
        return self();
    }

    /** Called with every new state. */
    public B onStateChange(Consumer<SseClient.State> callback) {
        this.onStateChange = Objects.requireNonNull(callback, "callback");
        return self();
    }

    /** The delays between reconnections (default: {@link Backoff#defaults()}, 1 s up to 30 s). */
    public B backoff(Backoff backoff) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        return self();
    }

    /**
     * Most handler calls waiting for the event thread (default 10,000). Past it the client stops
     * reading the stream until half have run: a slow handler holds back the socket, never the heap.
     */
    public B maxQueuedEvents(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("maxQueuedEvents: " + n + " (expected: >= 2)");
        }
        this.maxQueuedEvents = n;
        return self();
    }

    /**
     * The longest wait for a TCP connection (of the client's own HTTP client), then for the response
     * and the body of a refusal, for ssemux's first event, and for a subscription change (default 10 s).
     */
    public B connectTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + timeout + " (expected: > 0)");
        }
        this.connectTimeout = timeout;
        return self();
    }

    /** The prefix of the client's thread names (default {@code ssemux-client-N}). */
    public B name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: a thread name prefix)");
        }
        this.name = name;
        return self();
    }

    /**
     * The clock and timer of everything the client waits for: backoff delays, dead-stream detection,
     * the connect timeout of the first event, the time after which a stream counts as healthy. The
     * reconnections run on its thread. The client does not close a given scheduler (default: one of
     * its own, {@code <name>-scheduler}, closed by {@code close()}). Tests pass a manual one.
     */
    public B scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return self();
    }

    /**
     * The HTTP client to connect with, for a proxy, TLS settings or an authenticator. The client uses
     * it and does not own it: it neither shuts down its executor nor drops it on close (default: an
     * HTTP/1.1 client of its own, with the {@link #connectTimeout} and threads {@code <name>-http-N}).
     */
    public B httpClient(HttpClient httpClient) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        return self();
    }

    /** The jitter of the backoff, uniform in {@code [0, 1)}: tests make it predictable. */
    B random(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random, "random");
        return self();
    }

    /** The name of the client to build: the one given, else a new {@code ssemux-client-N}. */
    String nameOrDefault() {
        return name != null ? name : "ssemux-client-" + CLIENTS.incrementAndGet();
    }
}
