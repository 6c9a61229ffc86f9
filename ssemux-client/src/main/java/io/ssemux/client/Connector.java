package io.ssemux.client;

import io.ssemux.client.SseClient.State;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.time.Scheduler;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The connection machinery of both kinds of client: connects, reads the stream into the shared
 * {@link ResumableParser}, watches it ({@link DeadStreamWatchdog}), and when it ends schedules the
 * next connection after a {@link Retries} delay, until closed or told to stop. What the events mean
 * and which request to send is the {@link Protocol}'s business: ssemux's ({@link DefaultSseClient})
 * or a plain stream's ({@link DefaultPlainSseClient}).
 *
 * <p>Concurrency: nothing blocks. A connection is a chain of steps: {@link #connect} runs on the
 * {@link Scheduler} (the first on the thread that builds the client), the response and the bytes
 * arrive on the HTTP client's threads, the watchdog's checks on the scheduler's, and every callback of
 * the application runs on the {@link Dispatcher}'s event thread. Each {@link Attempt} ends once, from
 * whichever thread sees the end first. The state is guarded by {@link #lock}. Lock order: the
 * parser's monitor, an attempt's, the protocol's own, then {@link #lock}; the protocol is never called
 * with {@link #lock} held.
 */
final class Connector {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    /** A stream open this long was healthy even without events: backoff starts over after it. */
    static final Duration HEALTHY_AFTER = Duration.ofSeconds(10);
    /** The longest wait of {@link #close()} for each of the client's threads. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    /** What one kind of client adds to the machinery. Called without {@link #lock}. */
    interface Protocol {
        /**
         * The request of a new connection, resuming after {@code lastEventId} ({@code ""}: from now);
         * it may wait for a credential. A stage that fails is a failed attempt, retried after a delay.
         * On the scheduler's thread (the first: the builder's); must not block.
         */
        CompletionStage<HttpRequest> request(String lastEventId);

        /** Whether a 401 is worth another attempt: the next request carries a fresh credential. */
        default boolean retriesUnauthorized() {
            return false;
        }

        /**
         * The server answered with an event stream; returns what reads its events. On an HTTP
         * thread, before any event.
         */
        Consumer<SseMessage> opened(Attempt attempt);

        /** {@code attempt} is over, whatever the reason: forget what belonged to it. */
        void ended(Attempt attempt);
    }

    /** How a connection ended. */
    private enum End {
        /** The client was closed. */
        CANCELLED,
        /** The server replaced this stream by another of the same user. */
        EVICTED,
        /** The server refused in a way that retrying cannot fix. */
        FATAL,
        /**
         * The server ended a good stream for a reason a new connection fixes (its credential expired,
         * or it is draining): reconnect at once (or after the server's delay), without a failure;
         * after a short-lived stream whose credential expired, as {@link #RETRY}.
         */
        RENEW,
        /** The stream ended or could not start; try again. */
        RETRY
    }

    private final String name;
    private final Protocol protocol;
    private final Consumer<SseClientException> onError;
    private final Consumer<State> onStateChange;
    private final Duration connectTimeout;
    private final Retries retries;
    private final ResumableParser parser = new ResumableParser();
    private final Clock clock = Clock.systemUTC();
    private final Dispatcher dispatcher;
    private final Scheduler scheduler;
    private final boolean ownScheduler;
    private final ExecutorService httpExecutor; // null when the HTTP client was given
    /** Dropped on release when it is ours: on JDK 17 its selector thread ends once it is unreachable. */
    private volatile HttpClient http;

    private final Object lock = new Object();
    private State state = State.CONNECTING; // guarded by lock
    private Attempt current; // guarded by lock
    private Scheduler.Cancellable nextConnect; // guarded by lock
    private boolean over; // guarded by lock: no more connections
    private boolean closing; // guarded by lock: close() was called

    Connector(ClientBuilderBase<?> options, String name, Protocol protocol) {
        this.name = name;
        this.protocol = protocol;
        this.onError = options.onError;
        this.onStateChange = options.onStateChange;
        this.connectTimeout = options.connectTimeout;
        this.retries = new Retries(options.backoff, options.random);
        this.dispatcher = new Dispatcher(threads("events", false), options.maxQueuedEvents);
        this.ownScheduler = options.scheduler == null;
        this.scheduler = ownScheduler ? Scheduler.system(name + "-scheduler") : options.scheduler;
        if (options.httpClient != null) {
            this.httpExecutor = null;
            this.http = options.httpClient;
        } else {
            this.httpExecutor = Executors.newCachedThreadPool(threads("http", true));
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .executor(httpExecutor)
                    .build();
        }
    }

    /** Makes the first connection, from the calling thread; returns at once. */
    void start() {
        connect();
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    String lastEventId() {
        return parser.lastEventId();
    }

    /** The HTTP client, or {@code null} once the client has stopped. */
    HttpClient http() {
        return http;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /** The clock and timer of the client. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** Runs {@code callback} on the event thread, after everything queued before it. */
    void dispatch(String what, Runnable callback) {
        dispatcher.execute(what, callback);
    }

    /** Tells the application of a failure, on the event thread. */
    void report(SseClientException error) {
        dispatcher.execute("onError", () -> onError.accept(error));
    }

    /**
     * Closes the stream and stops the client's threads, after the callbacks already queued (waiting
     * for them at most a few seconds, and not at all from one of the client's threads). Idempotent.
     */
    void close() {
        Attempt attempt;
        Scheduler.Cancellable next;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            over = true;
            setState(State.CLOSED);
            attempt = current;
            current = null;
            next = nextConnect;
            nextConnect = null;
        }
        if (next != null) {
            next.cancel();
        }
        if (attempt != null) {
            attempt.end(End.CANCELLED, null, null);
        }
        release(!(Thread.currentThread() instanceof ClientThread t && t.owner == this));
    }

    @Override
    public String toString() {
        return name + ", " + state();
    }

    // ---- the steps ----

    /** Opens a new connection unless the client is over. On the scheduler's thread (the first: the builder's). */
    private void connect() {
        Attempt attempt;
        HttpClient client;
        synchronized (lock) {
            nextConnect = null;
            client = http;
            if (over || client == null) {
                return;
            }
            attempt = new Attempt();
            current = attempt;
        }
        attempt.start(client);
    }

    /** Acts on how {@code attempt} ended: what comes next. On the thread that saw the end. */
    private void ended(
            Attempt attempt,
            End end,
            SseClientException error,
            Duration retryAfter,
            boolean healthy,
            Runnable lastWords) {
        if (healthy) {
            retries.reset();
        }
        boolean stop = false;
        synchronized (lock) {
            if (current == attempt) {
                current = null;
            }
            if (over || end == End.CANCELLED) {
                return;
            }
            switch (end) {
                case EVICTED -> {
                    over = true;
                    setState(State.EVICTED);
                    stop = true;
                }
                case FATAL -> {
                    over = true;
                    report(error);
                    setState(State.FAILED);
                    stop = true;
                }
                default -> {
                    if (error != null) {
                        report(error);
                    }
                    // A renewal is no failure: after the server's delay (a drain), or at once after a
                    // healthy stream (an expired credential); the backoff does not grow.
                    Duration delay = end == End.RENEW && retryAfter != null
                            ? retryAfter
                            : end == End.RENEW && healthy ? Duration.ZERO : retries.next(retryAfter);
                    try {
                        nextConnect = scheduler.schedule(delay, this::connect);
                        LOG.log(
                                Level.DEBUG,
                                () -> "ssemux client " + name + ": reconnecting in " + delay.toMillis() + " ms");
                        // After scheduling: whoever sees RECONNECTING sees the reconnection scheduled.
                        setState(State.RECONNECTING);
                    } catch (RejectedExecutionException e) {
                        over = true;
                        report(new SseClientException(
                                0, "cannot reconnect: the scheduler is closed; the client stops", e));
                        setState(State.FAILED);
                        stop = true;
                    }
                }
            }
            if (lastWords != null) {
                lastWords.run();
            }
        }
        if (stop) {
            release(false);
        }
    }

    /** Holds lock. Final states never change. */
    private void setState(State next) {
        if (state == next || isFinal(state)) {
            return;
        }
        state = next;
        LOG.log(Level.DEBUG, () -> "ssemux client " + name + ": " + next);
        dispatcher.execute("onStateChange", () -> onStateChange.accept(next));
    }

    static boolean isFinal(State state) {
        return state == State.CLOSED || state == State.EVICTED || state == State.FAILED;
    }

    /** Stops the threads, after the queued callbacks; waits for them only if {@code wait}. Idempotent. */
    private void release(boolean wait) {
        dispatcher.shutdown(SHUTDOWN_WAIT, !wait);
        if (ownScheduler) {
            scheduler.close();
        }
        if (httpExecutor == null) {
            return; // the application's HTTP client: not ours to stop
        }
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
        return task ->
                new ClientThread(this, task, name + "-" + role + (numbered ? "-" + count.incrementAndGet() : ""));
    }

    /**
     * One connection, from the request to the end of its stream. Its bytes are parsed on the HTTP
     * thread that delivers them; it ends once ({@link #end}), from any thread.
     */
    final class Attempt implements SseExchange.Sink, SseListener {
        private final DeadStreamWatchdog watchdog = new DeadStreamWatchdog(
                scheduler, why -> end(End.RETRY, new SseClientException(0, why + ", reconnecting", null), null));
        private volatile Consumer<SseMessage> reader = message -> {};
        private volatile boolean delivered;
        private volatile long openedAt;
        private volatile boolean open;
        private volatile URI uri;
        private HttpRequest request; // guarded by this
        private SseExchange exchange; // guarded by this
        private boolean ended; // guarded by this
        private Runnable lastWords; // guarded by this

        private void start(HttpClient client) {
            CompletionStage<HttpRequest> prepared;
            try {
                prepared = protocol.request(parser.attach(this));
            } catch (RuntimeException e) {
                end(End.FATAL, SseExchange.ioError("preparing the request of the stream", e), null);
                return;
            }
            prepared.whenComplete((request, failure) -> {
                if (failure != null) {
                    end(End.RETRY, SseExchange.ioError("preparing the request of the stream", failure), null);
                } else {
                    send(client, request);
                }
            });
        }

        /** Sends the request of the stream, once it is ready; on the thread that made it ready. */
        private void send(HttpClient client, HttpRequest request) {
            SseExchange started;
            synchronized (this) {
                if (ended) {
                    return; // closed while the request was being prepared
                }
                this.request = request;
            }
            uri = request.uri();
            try {
                started = SseExchange.send(client, request, this, scheduler, connectTimeout, clock);
            } catch (RuntimeException e) {
                end(End.FATAL, SseExchange.ioError("GET " + uri, e), null);
                return;
            }
            boolean cancel;
            synchronized (this) {
                cancel = ended;
                exchange = started;
            }
            if (cancel) {
                started.cancel();
                parser.detach(this);
                return;
            }
            started.answer().whenComplete((answer, failure) -> {
                if (failure != null) {
                    end(End.RETRY, SseExchange.ioError("GET " + uri, failure), null);
                } else if (answer instanceof SseExchange.Refused refused) {
                    boolean retry =
                            refused.retryable() || (refused.error().status() == 401 && protocol.retriesUnauthorized());
                    end(retry ? End.RETRY : End.FATAL, refused.error(), refused.retryAfter());
                }
            });
        }

        /** The watchdog of this stream, for the protocol to say what it waits for. */
        DeadStreamWatchdog watchdog() {
            return watchdog;
        }

        /** The stream is open (for ssemux: its {@code connected} event came): state {@link State#OPEN}. */
        void open() {
            openedAt = scheduler.nanoTime();
            open = true;
            synchronized (lock) {
                if (current == this && !over) {
                    setState(State.OPEN);
                }
            }
        }

        /** The request that opened this stream. */
        synchronized HttpRequest request() {
            return request;
        }

        /**
         * The server ends the stream because its credential expired: the client reconnects at once,
         * with a fresh one, as no failure. After a short-lived stream it waits its backoff instead,
         * so that a credential that keeps expiring cannot make it spin.
         */
        void expired() {
            end(End.RENEW, null, null);
        }

        /**
         * The server is draining for a restart and ends the stream: the client reconnects after the
         * delay the server chose for it (random, so that the node's clients come back spread out), to
         * whichever node takes it, as no failure.
         */
        void drained(Duration reconnectAfter) {
            end(End.RENEW, null, reconnectAfter);
        }

        /** The stream delivered an event: backoff starts over after it. */
        void delivered() {
            delivered = true;
        }

        /** The server evicted the stream: the client stops, and then {@code callback} is dispatched. */
        void evicted(Runnable callback) {
            synchronized (this) {
                lastWords = () -> dispatch("onEvicted", callback);
            }
            end(End.EVICTED, null, null);
        }

        // ---- SseExchange.Sink, on the HTTP threads ----

        @Override
        public void opened() {
            reader = protocol.opened(this);
        }

        @Override
        public CompletionStage<?> bytes(List<ByteBuffer> buffers) {
            watchdog.bytes();
            try {
                if (!parser.feed(this, buffers)) {
                    return CompletableFuture.completedFuture(null); // given up already: the exchange is cancelled
                }
            } catch (RuntimeException e) {
                // The stream is unusable (a line beyond the parser's limit, a malformed control event).
                end(End.RETRY, SseExchange.ioError("the stream of " + uri, e), null);
                return CompletableFuture.completedFuture(null);
            }
            if (!dispatcher.backlogged()) {
                return CompletableFuture.completedFuture(null);
            }
            watchdog.pause();
            CompletableFuture<Void> drained = new CompletableFuture<>();
            dispatcher.whenDrained(() -> {
                watchdog.resume();
                drained.complete(null);
            });
            return drained;
        }

        @Override
        public void ended(Throwable cause) {
            end(End.RETRY, cause == null ? null : SseExchange.ioError("the stream of " + uri, cause), null);
        }

        // ---- SseListener, inside parser.feed ----

        @Override
        public void onEvent(SseMessage message) {
            reader.accept(message);
        }

        @Override
        public void onRetry(long millis) {
            retries.serverRetry(Duration.ofMillis(millis));
        }

        /** Ends the attempt once, from any thread; the first call decides how. */
        private void end(End end, SseClientException error, Duration retryAfter) {
            SseExchange e;
            Runnable words;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                e = exchange;
                words = lastWords;
            }
            watchdog.stop();
            if (e != null) {
                e.cancel();
            }
            parser.detach(this);
            boolean healthy = delivered || (open && scheduler.nanoTime() - openedAt >= HEALTHY_AFTER.toNanos());
            protocol.ended(this);
            Connector.this.ended(this, end, error, retryAfter, healthy, words);
        }
    }

    /** The client's threads are daemons: an open client does not keep the JVM alive. */
    private static final class ClientThread extends Thread {
        final Connector owner;

        ClientThread(Connector owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
            setDaemon(true);
        }
    }
}
