package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.JsonText;
import io.ssemux.core.sse.SseMessage;
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
import java.util.function.Consumer;

/**
 * The client of an ssemux server, on the shared {@link Connector}: the stream's request (channels,
 * {@code format=envelope}), what its events mean ({@link ControlEventHandler}), and the wanted channels
 * with their changes on the live stream ({@code POST /api/sse/subscriptions}).
 *
 * <p>Threads: see {@link Connector}. The channels and the open stream's id are guarded by {@link #lock},
 * which is taken after the parser's monitor and before the connector's.
 */
final class DefaultSseClient implements SseClient, Connector.Protocol {
    private final String name;
    private final String base;
    private final String user;
    private final Map<String, String> headers;
    private final Handlers handlers;
    private final Consumer<Reset> onReset;
    private final Runnable onEvicted;
    private final double deadAfterHeartbeats;
    private final Connector connector;

    private final Object lock = new Object();
    private final SortedSet<String> wanted; // guarded by lock
    private Connector.Attempt stream; // guarded by lock: the open stream
    private String connectionId; // guarded by lock: of the open stream
    private Set<String> live = Set.of(); // guarded by lock: the open stream's channels
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
    public HttpRequest request(String cursor) {
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
        HttpRequest.Builder request =
                request(query).GET().header("Accept", "text/event-stream").header("Cache-Control", "no-cache");
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
            synchronized (lock) {
                // The id first: whoever sees OPEN can change the channels of this stream.
                stream = attempt;
                connectionId = connected.connectionId();
                live = Set.copyOf(connected.channels());
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
        public void event(Event event) {
            attempt.delivered();
            for (Consumer<Event> handler : handlers.of(event)) {
                connector.dispatch(
                        "the handler of '" + event.type() + "' on '" + event.channel() + "'",
                        () -> handler.accept(event));
            }
        }
    }

    /** A request to {@code pathAndQuery} on the server, as the configured user, with the configured headers. */
    private HttpRequest.Builder request(StringBuilder pathAndQuery) {
        if (user != null) {
            pathAndQuery
                    .append(pathAndQuery.indexOf("?") < 0 ? '?' : '&')
                    .append("user=")
                    .append(URLEncoder.encode(user, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(connector.connectTimeout());
        headers.forEach(request::setHeader);
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
            List<String> channels;
            try {
                channels = JsonText.strings(JsonText.object(response.body()), "channels");
            } catch (IllegalArgumentException e) {
                channels = null;
            }
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
}
