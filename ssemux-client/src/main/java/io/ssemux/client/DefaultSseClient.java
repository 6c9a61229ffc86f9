package io.ssemux.client;

import io.ssemux.client.StreamAttempt.Outcome;
import io.ssemux.core.Event;
import io.ssemux.core.sse.JsonText;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The client: the connection loop, the state, the wanted channels and their changes on the live
 * stream.
 *
 * <p>Threads: the loop runs on {@code <name>-stream} ({@link #run}); streams and answers arrive on
 * the HTTP client's {@code <name>-http-N}; callbacks run on {@code <name>-events} ({@link Dispatcher}).
 * Shared state is guarded by {@link #lock}. Lock order: the parser's monitor, then a stream attempt's,
 * then {@link #lock}; nothing takes them the other way round.
 */
final class DefaultSseClient implements SseClient, StreamAttempt.Listener {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    /** A stream open this long was healthy even without events: backoff starts over after it. */
    private static final Duration HEALTHY_AFTER = Duration.ofSeconds(10);
    /** The longest wait of {@link #close()} for each of the client's threads. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final String base;
    private final String user;
    private final Map<String, String> headers;
    private final Handlers handlers;
    private final Consumer<Reset> onReset;
    private final Runnable onEvicted;
    private final Consumer<SseClientException> onError;
    private final Consumer<State> onStateChange;
    private final double deadAfterHeartbeats;
    private final Duration connectTimeout;
    private final Retries retries;
    private final ResumableParser parser = new ResumableParser();
    private final Dispatcher dispatcher;
    private final ExecutorService httpExecutor;
    private final Thread streamThread;
    /** Dropped on release: on JDK 17 the HTTP client's selector thread ends once the client is unreachable. */
    private volatile HttpClient http;

    private final Object lock = new Object();
    private State state = State.CONNECTING;                         // guarded by lock
    private final SortedSet<String> wanted;                         // guarded by lock
    private StreamAttempt current;                                  // guarded by lock
    private String connectionId;                                    // guarded by lock: of the open stream
    private Set<String> live = Set.of();                            // guarded by lock: the open stream's channels
    private boolean closing;                                        // guarded by lock
    private CompletableFuture<?> changes = CompletableFuture.completedFuture(null); // guarded by lock: the last change

    DefaultSseClient(SseClientBuilder builder, String name, Handlers handlers) {
        this.name = name;
        String uri = builder.base.toString();
        this.base = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        this.user = builder.user;
        this.headers = Map.copyOf(builder.headers);
        this.handlers = handlers;
        this.onReset = builder.onReset;
        this.onEvicted = builder.onEvicted;
        this.onError = builder.onError;
        this.onStateChange = builder.onStateChange;
        this.deadAfterHeartbeats = builder.deadAfterHeartbeats;
        this.connectTimeout = builder.connectTimeout;
        this.retries = new Retries(builder.backoff, builder.random);
        this.wanted = new TreeSet<>(builder.channels.isEmpty() ? Set.of("all") : builder.channels);
        this.dispatcher = new Dispatcher(threads("events", false), builder.maxQueuedEvents);
        this.httpExecutor = Executors.newCachedThreadPool(threads("http", true));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .executor(httpExecutor)
                .build();
        this.streamThread = threads("stream", false).newThread(this::run);
    }

    void start() {
        streamThread.start();
    }

    // ---- the API ----

    @Override
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    @Override
    public Set<String> channels() {
        synchronized (lock) {
            return Collections.unmodifiableSortedSet(new TreeSet<>(wanted));
        }
    }

    @Override
    public String lastEventId() {
        return parser.lastEventId();
    }

    @Override
    public CompletableFuture<Set<String>> subscribe(String... channels) {
        return change(checked(channels), List.of());
    }

    @Override
    public CompletableFuture<Set<String>> unsubscribe(String... channels) {
        return change(List.of(), checked(channels));
    }

    @Override
    public void close() {
        StreamAttempt attempt;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            setState(State.CLOSED);
            attempt = current;
            lock.notifyAll();
        }
        if (attempt != null) {
            attempt.cancel();
        }
        boolean external = !(Thread.currentThread() instanceof ClientThread t && t.owner == this);
        if (external) {
            try {
                streamThread.join(SHUTDOWN_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        release(external);
    }

    @Override
    public String toString() {
        return "SseClient[" + name + ", " + state() + ", " + base + "]";
    }

    // ---- the connection loop, on the stream thread ----

    private void run() {
        boolean over = false;
        try {
            while (!over) {
                List<String> channels;
                StreamAttempt attempt;
                synchronized (lock) {
                    if (closing) {
                        return;
                    }
                    channels = List.copyOf(wanted);
                    attempt = new StreamAttempt(http, cursor -> streamRequest(channels, cursor), parser, this, dispatcher,
                            connectTimeout, deadAfterHeartbeats, HEALTHY_AFTER);
                    current = attempt;
                }
                Outcome outcome = attempt.run();
                synchronized (lock) {
                    current = null;
                    connectionId = null;
                    live = Set.of();
                }
                if (outcome.healthy()) {
                    retries.reset();
                }
                over = next(outcome);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "ssemux client " + name + ": the connection loop failed; the client stops", e);
            report(new SseClientException(0, "the connection loop failed: " + e, e));
            finish(State.FAILED);
        }
        release(false);
    }

    /** Acts on how a stream ended; true when the client is done. */
    private boolean next(Outcome outcome) {
        switch (outcome.end()) {
            case CANCELLED -> {
                return true;
            }
            case EVICTED -> {
                finish(State.EVICTED);
                dispatcher.execute("onEvicted", onEvicted);
                return true;
            }
            case FATAL -> {
                report(outcome.error());
                finish(State.FAILED);
                return true;
            }
            default -> {
                if (outcome.error() != null) {
                    report(outcome.error());
                }
                Duration delay = retries.next(outcome.retryAfter());
                synchronized (lock) {
                    setState(State.RECONNECTING);
                }
                LOG.log(Level.DEBUG, () -> "ssemux client " + name + ": reconnecting in " + delay.toMillis() + " ms");
                return !pause(delay);
            }
        }
    }

    /** Waits {@code delay} unless closed first; true if not closed. */
    private boolean pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (lock) {
            try {
                long left;
                while (!closing && (left = deadline - System.nanoTime()) > 0) {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !closing;
        }
    }

    private HttpRequest streamRequest(List<String> channels, String cursor) {
        StringBuilder query = new StringBuilder("/api/sse/stream?channels=").append(String.join(",", channels))
                .append("&format=envelope");
        boolean headerSafe = cursor.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (!cursor.isEmpty() && !headerSafe) {
            query.append("&lastEventId=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = request(query).GET()
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        if (!cursor.isEmpty() && headerSafe) {
            request.header("Last-Event-ID", cursor);
        }
        return request.build();
    }

    /** A request to {@code pathAndQuery} on the server, as the configured user, with the configured headers. */
    private HttpRequest.Builder request(StringBuilder pathAndQuery) {
        if (user != null) {
            pathAndQuery.append(pathAndQuery.indexOf("?") < 0 ? '?' : '&')
                    .append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(connectTimeout);
        headers.forEach(request::setHeader);
        return request;
    }

    // ---- what the stream says, on the HTTP threads ----

    @Override
    public void connected(StreamAttempt attempt, String id, List<String> channels) {
        synchronized (lock) {
            if (attempt != current || closing) {
                return;
            }
            connectionId = id;
            live = Set.copyOf(channels);
            setState(State.OPEN);
            if (!live.equals(wanted)) {
                // The channels changed while this stream was being opened: bring it up to date.
                enqueueChange().whenComplete((result, failure) -> {
                    if (failure != null) {
                        report(StreamAttempt.ioError("updating the channels of the new stream", failure));
                    }
                });
            }
        }
    }

    @Override
    public void event(Event event) {
        for (Consumer<Event> handler : handlers.of(event)) {
            dispatcher.execute("the handler of '" + event.type() + "' on '" + event.channel() + "'",
                    () -> handler.accept(event));
        }
    }

    @Override
    public void reset(Reset reset) {
        dispatcher.execute("onReset", () -> onReset.accept(reset));
    }

    @Override
    public void retry(Duration delay) {
        retries.serverRetry(delay);
    }

    // ---- channel changes ----

    private static List<String> checked(String[] channels) {
        if (channels.length == 0) {
            throw new IllegalArgumentException("channels: none (expected: at least one)");
        }
        for (String channel : channels) {
            SseClientBuilder.checkChannel(channel);
        }
        return List.of(channels);
    }

    private CompletableFuture<Set<String>> change(List<String> add, List<String> remove) {
        synchronized (lock) {
            if (closing || isFinal(state)) {
                throw new IllegalStateException("client " + name + ": " + state + " (expected: not closed, evicted or failed)");
            }
            SortedSet<String> next = new TreeSet<>(wanted);
            next.removeAll(remove);
            next.addAll(add);
            Set<String> added = minus(next, wanted);
            Set<String> removed = minus(wanted, next);
            wanted.clear();
            wanted.addAll(next);
            return enqueueChange().whenComplete((result, failure) -> {
                if (isRefusal(failure)) {
                    undo(added, removed);
                }
            });
        }
    }

    /** Puts the wanted channels back as they were before a refused change (as long as one remains). */
    private void undo(Set<String> added, Set<String> removed) {
        synchronized (lock) {
            SortedSet<String> reverted = new TreeSet<>(wanted);
            reverted.removeAll(added);
            reverted.addAll(removed);
            if (!reverted.isEmpty()) {
                wanted.clear();
                wanted.addAll(reverted);
            }
        }
    }

    /** Queues bringing the open stream's channels to the wanted ones, after the changes before it. Holds lock. */
    private CompletableFuture<Set<String>> enqueueChange() {
        CompletableFuture<Set<String>> next = changes.handle((result, failure) -> null).thenCompose(ignored -> applyChange());
        changes = next;
        return next;
    }

    private CompletableFuture<Set<String>> applyChange() {
        HttpClient client = http;
        String id;
        Set<String> add;
        Set<String> remove;
        synchronized (lock) {
            if (connectionId == null || client == null) {
                return CompletableFuture.completedFuture(sorted(wanted)); // the next stream opens with them
            }
            add = minus(wanted, live);
            remove = minus(live, wanted);
            if (add.isEmpty() && remove.isEmpty()) {
                return CompletableFuture.completedFuture(sorted(live));
            }
            id = connectionId;
        }
        String body = "{\"connectionId\":" + JsonText.quote(id) + ",\"subscribe\":" + JsonText.array(add)
                + ",\"unsubscribe\":" + JsonText.array(remove) + "}";
        HttpRequest request = request(new StringBuilder("/api/sse/subscriptions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String what = "POST " + request.uri();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(StreamAttempt.ioError(what, failure));
            }
            if (response.statusCode() == 404) {
                synchronized (lock) {
                    return sorted(wanted); // the stream ended meanwhile: the next one opens with them
                }
            }
            if (response.statusCode() != 200) {
                throw new CompletionException(StreamAttempt.refusal(what, response.statusCode(), response.body()));
            }
            List<String> channels;
            try {
                channels = JsonText.strings(JsonText.object(response.body()), "channels");
            } catch (IllegalArgumentException e) {
                channels = null;
            }
            if (channels == null) {
                throw new CompletionException(new SseClientException(200, what + ": no channels in the answer: " + response.body(), null));
            }
            Set<String> now = sorted(channels);
            synchronized (lock) {
                if (id.equals(connectionId)) {
                    live = now;
                }
            }
            return now;
        });
    }

    private static boolean isRefusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof SseClientException e && e.status() >= 400 && e.status() < 500;
    }

    // ---- state and shutdown ----

    /** Holds lock. Final states never change. */
    private void setState(State next) {
        if (state == next || isFinal(state)) {
            return;
        }
        state = next;
        LOG.log(Level.DEBUG, () -> "ssemux client " + name + ": " + next);
        dispatcher.execute("onStateChange", () -> onStateChange.accept(next));
    }

    private void finish(State last) {
        synchronized (lock) {
            setState(last);
        }
    }

    private static boolean isFinal(State state) {
        return state == State.CLOSED || state == State.EVICTED || state == State.FAILED;
    }

    private void report(SseClientException error) {
        dispatcher.execute("onError", () -> onError.accept(error));
    }

    /** Stops the threads, after the queued callbacks; waits for them only if {@code wait}. Idempotent. */
    private void release(boolean wait) {
        dispatcher.shutdown(SHUTDOWN_WAIT, !wait);
        httpExecutor.shutdownNow();
        http = null;
        if (wait) {
            try {
                httpExecutor.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ThreadFactory threads(String role, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return task -> new ClientThread(this, task, name + "-" + role + (numbered ? "-" + count.incrementAndGet() : ""));
    }

    private static Set<String> sorted(Collection<String> channels) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(channels));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> difference = new TreeSet<>(a);
        difference.removeAll(b);
        return difference;
    }

    /** The client's threads are daemons: an open client does not keep the JVM alive. */
    private static final class ClientThread extends Thread {
        final DefaultSseClient owner;

        ClientThread(DefaultSseClient owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
            setDaemon(true);
        }
    }
}
