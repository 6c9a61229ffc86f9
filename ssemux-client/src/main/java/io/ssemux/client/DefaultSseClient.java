package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.JsonText;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.time.Scheduler;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client of an ssemux server, on the shared {@link Connector}: the stream's request (channels,
 * {@code format=envelope}, a bearer token from the application's source), what its events mean
 * ({@link ControlEventHandler}), the wanted channels with their changes on the live stream
 * ({@code POST /api/sse/subscriptions}), and the stream's credential: refreshed on
 * {@code token_expiring} ({@code POST /api/sse/token}), renewed by a new connection on
 * {@code token_expired}, channels dropped on {@code revoked}.
 *
 * <p>Credentials: the source is asked for a token for each connection and each refresh; requests
 * on a live stream carry the stream's current token, which the server keeps valid while the stream
 * lives. A token never appears in a log line or an exception message.
 *
 * <p>Threads: see {@link Connector}. The channels and the open stream's id are guarded by {@link #lock},
 * which is taken after the parser's monitor and before the connector's.
 */
final class DefaultSseClient implements SseClient, Connector.Protocol {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());

    private final String name;
    private final String base;
    private final String user;
    private final Map<String, String> headers;
    private final Handlers handlers;
    private final Consumer<Reset> onReset;
    private final Runnable onEvicted;
    private final Consumer<Set<String>> onRevoked;
    private final Supplier<? extends CompletionStage<String>> tokenSource; // null: the headers authenticate
    private final double deadAfterHeartbeats;
    private final Connector connector;

    private final Object lock = new Object();
    private final SortedSet<String> wanted; // guarded by lock
    private Connector.Attempt stream; // guarded by lock: the open stream
    private String connectionId; // guarded by lock: of the open stream
    private Set<String> live = Set.of(); // guarded by lock: the open stream's channels
    private String authorization; // guarded by lock: the open stream's current "Bearer …", null without a source
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
        this.onRevoked = builder.onRevoked;
        this.tokenSource = builder.tokenSource;
        this.deadAfterHeartbeats = builder.deadAfterHeartbeats;
        this.wanted = new TreeSet<>(builder.channels.isEmpty() ? Set.of("all") : builder.channels);
        this.connector = new Connector(builder, name, this);
    }

    void start() {
        connector.start();
    }

    // ---- the API ----

    @Override
    public State state() {
        return connector.state();
    }

    @Override
    public Set<String> channels() {
        synchronized (lock) {
            return sorted(wanted);
        }
    }

    @Override
    public String lastEventId() {
        return connector.lastEventId();
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
        connector.close();
    }

    @Override
    public String toString() {
        return "SseClient[" + connector + ", " + base + "]";
    }

    // ---- Connector.Protocol ----

    @Override
    public CompletionStage<HttpRequest> request(String cursor) {
        if (tokenSource == null) {
            return CompletableFuture.completedFuture(streamRequest(cursor, null));
        }
        return freshToken().thenApply(token -> streamRequest(cursor, bearer(token)));
    }

    @Override
    public boolean retriesUnauthorized() {
        return tokenSource != null; // the token may have expired in flight: the next attempt asks for a fresh one
    }

    private HttpRequest streamRequest(String cursor, String authorization) {
        List<String> channels;
        synchronized (lock) {
            channels = List.copyOf(wanted);
        }
        StringBuilder query = new StringBuilder("/api/sse/stream?channels=")
                .append(String.join(",", channels))
                .append("&format=envelope");
        boolean headerSafe = isHeaderSafe(cursor);
        if (!cursor.isEmpty() && !headerSafe) {
            query.append("&lastEventId=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = request(query, authorization)
                .GET()
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        if (!cursor.isEmpty() && headerSafe) {
            request.header("Last-Event-ID", cursor);
        }
        return request.build();
    }

    @Override
    public Consumer<SseMessage> opened(Connector.Attempt attempt) {
        attempt.watchdog().awaitFirst(connector.connectTimeout(), "connected event");
        return new ControlEventHandler(new StreamListener(attempt))::handle;
    }

    @Override
    public void ended(Connector.Attempt attempt) {
        synchronized (lock) {
            if (stream == attempt) {
                stream = null;
                connectionId = null;
                live = Set.of();
                authorization = null;
            }
        }
    }

    /** What one stream says, inside the parser, in stream order. */
    private final class StreamListener implements ControlEventHandler.Listener {
        private final Connector.Attempt attempt;

        StreamListener(Connector.Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void connected(ControlEvents.Connected connected) {
            Duration heartbeat = connected.heartbeat();
            attempt.watchdog()
                    .expectBytesEvery(
                            Duration.ofNanos((long) (heartbeat.toNanos() * deadAfterHeartbeats)),
                            deadAfterHeartbeats + " × the heartbeat of "
                                    + DeadStreamWatchdog.seconds(heartbeat.toNanos()));
            // Read before taking lock: an attempt's monitor comes before it in the lock order.
            String credential = tokenSource == null
                    ? null
                    : attempt.request().headers().firstValue("Authorization").orElse(null);
            synchronized (lock) {
                // The id first: whoever sees OPEN can change the channels of this stream.
                stream = attempt;
                connectionId = connected.connectionId();
                live = Set.copyOf(connected.channels());
                authorization = credential;
                attempt.open();
                if (!live.equals(wanted)) {
                    // The channels changed while this stream was being opened: bring it up to date.
                    enqueueChange().whenComplete((result, failure) -> {
                        if (failure != null) {
                            connector.report(SseExchange.ioError("updating the channels of the new stream", failure));
                        }
                    });
                }
            }
        }

        @Override
        public void reset(Reset reset) {
            attempt.delivered();
            connector.dispatch("onReset", () -> onReset.accept(reset));
        }

        @Override
        public void evicted() {
            attempt.evicted(onEvicted);
        }

        @Override
        public void tokenExpiring(ControlEvents.TokenExpiry expiry) {
            if (tokenSource == null) {
                LOG.log(
                        Level.INFO,
                        "ssemux client: the credential of the stream expires at " + expiry.expiresAt()
                                + "; without a token source the client cannot refresh it");
                return;
            }
            refresh(attempt, expiry.expiresAt());
        }

        @Override
        public void tokenExpired(ControlEvents.TokenExpiry expiry) {
            LOG.log(
                    Level.DEBUG,
                    () -> "ssemux client " + name + ": the credential expired at " + expiry.expiresAt()
                            + ", reconnecting with a new one");
            attempt.expired();
        }

        @Override
        public void draining(ControlEvents.Draining draining) {
            LOG.log(
                    Level.DEBUG,
                    () -> "ssemux client " + name + ": the server is draining, reconnecting in "
                            + draining.reconnectAfter().toMillis() + " ms");
            attempt.drained(draining.reconnectAfter());
        }

        @Override
        public void revoked(ControlEvents.Revoked revoked) {
            Set<String> dropped = sorted(revoked.channels());
            synchronized (lock) {
                if (stream == attempt) {
                    live = minus(live, dropped);
                }
                wanted.removeAll(dropped); // or every later connection would ask for them and be refused
            }
            connector.dispatch("onRevoked", () -> onRevoked.accept(dropped));
        }

        @Override
        public void event(Event event) {
            attempt.delivered();
            for (Consumer<Event> handler : handlers.of(event)) {
                connector.dispatch(
                        "the handler of '" + event.type() + "' on '" + event.channel() + "'",
                        () -> handler.accept(event));
            }
        }
    }

    /**
     * A request to {@code pathAndQuery} on the server, as the configured user, with the configured
     * headers and {@code authorization} ({@code null}: none but the headers').
     */
    private HttpRequest.Builder request(StringBuilder pathAndQuery, String authorization) {
        if (user != null) {
            pathAndQuery
                    .append(pathAndQuery.indexOf("?") < 0 ? '?' : '&')
                    .append("user=")
                    .append(URLEncoder.encode(user, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(connector.connectTimeout());
        headers.forEach(request::setHeader);
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        return request;
    }

    static boolean isHeaderSafe(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
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
            State state = connector.state();
            if (Connector.isFinal(state)) {
                throw new IllegalStateException(
                        "client " + name + ": " + state + " (expected: not closed, evicted or failed)");
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

    /** Puts the wanted channels back as they were before a refused change. */
    private void undo(Set<String> added, Set<String> removed) {
        synchronized (lock) {
            wanted.removeAll(added);
            wanted.addAll(removed);
        }
    }

    /** Queues bringing the open stream's channels to the wanted ones, after the changes before it. Holds lock. */
    private CompletableFuture<Set<String>> enqueueChange() {
        CompletableFuture<Set<String>> next =
                changes.handle((result, failure) -> null).thenCompose(ignored -> applyChange());
        changes = next;
        return next;
    }

    private CompletableFuture<Set<String>> applyChange() {
        HttpClient client = connector.http();
        String id;
        String credential;
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
            credential = authorization;
        }
        String body = "{\"connectionId\":" + JsonText.quote(id) + ",\"subscribe\":" + JsonText.array(add)
                + ",\"unsubscribe\":" + JsonText.array(remove) + "}";
        HttpRequest request = request(new StringBuilder("/api/sse/subscriptions"), credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String what = "POST " + request.uri();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(SseExchange.ioError(what, failure));
            }
            if (response.statusCode() == 404) {
                synchronized (lock) {
                    return sorted(wanted); // the stream ended meanwhile: the next one opens with them
                }
            }
            if (response.statusCode() != 200) {
                throw new CompletionException(SseExchange.refusal(what, response.statusCode(), response.body()));
            }
            List<String> channels = channelsIn(response.body());
            if (channels == null) {
                throw new CompletionException(
                        new SseClientException(200, what + ": no channels in the answer: " + response.body(), null));
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

    // ---- credentials ----

    /**
     * Refreshes the credential of the open stream {@code attempt} with a fresh token
     * ({@code POST /api/sse/token}); a failure is reported, and the stream then ends at {@code expiresAt}.
     */
    private void refresh(Connector.Attempt attempt, Instant expiresAt) {
        String id;
        synchronized (lock) {
            if (stream != attempt) {
                return;
            }
            id = connectionId;
        }
        freshToken().thenCompose(token -> postToken(id, bearer(token))).whenComplete((ignored, failure) -> {
            if (failure != null) {
                SseClientException e = SseExchange.ioError("the token refresh", failure);
                connector.report(new SseClientException(
                        e.status(),
                        "token refresh: " + e.getMessage() + "; the stream ends when its token expires at " + expiresAt
                                + ", then reconnects with a new one",
                        e));
            }
        });
    }

    /** Gives the live stream {@code id} the credential {@code authorization}; completes once the server took it. */
    private CompletableFuture<Void> postToken(String id, String authorization) {
        HttpClient client = connector.http();
        if (client == null) {
            return CompletableFuture.completedFuture(null); // closed
        }
        HttpRequest request = request(new StringBuilder("/api/sse/token"), authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"connectionId\":" + JsonText.quote(id) + "}"))
                .build();
        String what = "POST " + request.uri();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(SseExchange.ioError(what, failure));
            }
            if (response.statusCode() == 404) {
                return null; // the stream ended meanwhile: the next one connects with a fresh token
            }
            if (response.statusCode() != 200) {
                throw new CompletionException(SseExchange.refusal(what, response.statusCode(), response.body()));
            }
            List<String> channels = channelsIn(response.body());
            synchronized (lock) {
                if (id.equals(connectionId)) {
                    this.authorization = authorization;
                    if (channels != null) {
                        live = sorted(channels);
                    }
                }
            }
            return null;
        });
    }

    /**
     * A token from the application's source, within the connect timeout; fails with an
     * {@link SseClientException} that never quotes the token.
     */
    private CompletableFuture<String> freshToken() {
        CompletableFuture<String> token = new CompletableFuture<>();
        CompletionStage<String> stage;
        try {
            stage = tokenSource.get();
        } catch (RuntimeException e) {
            token.completeExceptionally(tokenSourceFailed(e));
            return token;
        }
        if (stage == null) {
            token.completeExceptionally(
                    new SseClientException(0, "the token source answered null (expected: a stage of a token)", null));
            return token;
        }
        Duration timeout = connector.connectTimeout();
        Scheduler.Cancellable timer;
        try {
            timer = connector
                    .scheduler()
                    .schedule(
                            timeout,
                            () -> token.completeExceptionally(new SseClientException(
                                    0,
                                    "the token source did not answer within "
                                            + DeadStreamWatchdog.seconds(timeout.toNanos()),
                                    null)));
        } catch (RejectedExecutionException e) {
            timer = () -> {}; // closing: nobody waits for the token
        }
        Scheduler.Cancellable started = timer;
        stage.whenComplete((value, failure) -> {
            started.cancel();
            if (failure != null) {
                token.completeExceptionally(tokenSourceFailed(failure));
            } else if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                token.completeExceptionally(new SseClientException(
                        0,
                        "the token source answered " + (value == null ? "null" : "an unusable token")
                                + " (expected: a bearer token of visible ASCII characters)",
                        null));
            } else {
                token.complete(value);
            }
        });
        return token;
    }

    private static SseClientException tokenSourceFailed(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause.getMessage();
        return new SseClientException(
                0,
                "the token source failed: " + cause.getClass().getSimpleName()
                        + (message == null ? "" : ": " + message),
                cause);
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static boolean isRefusal(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof SseClientException e && e.status() >= 400 && e.status() < 500;
    }

    private static Set<String> sorted(Collection<String> channels) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(channels));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> difference = new TreeSet<>(a);
        difference.removeAll(b);
        return difference;
    }

    /** The {@code channels} of a subscriptions or token answer, or {@code null} when it has none. */
    private static List<String> channelsIn(String body) {
        try {
            return JsonText.strings(JsonText.object(body), "channels");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
