package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.Names;
import io.ssemux.core.sse.ControlEvents;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds an {@link SseClient} of an ssemux server: what to listen to, who to be, what to do with
 * events and with the connection's ups and downs; the options it shares with the plain client
 * (headers, backoff, scheduler, HTTP client…) are documented once, on the inherited methods. Not
 * thread-safe; each {@link #build()} makes a new client, which connects at once.
 *
 * <p>Every handler and callback runs on the client's event thread, in stream order (see
 * {@link SseClient}).
 */
public final class SseClientBuilder extends ClientBuilderBase<SseClientBuilder> {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    private static final Set<String> RESERVED = Set.of(
            ControlEvents.CONNECTED,
            ControlEvents.RESET,
            ControlEvents.EVICTED,
            ControlEvents.TOKEN_EXPIRING,
            ControlEvents.TOKEN_EXPIRED,
            ControlEvents.REVOKED);

    final URI base;
    final Set<String> channels = new LinkedHashSet<>();
    String user;
    final Map<String, List<Consumer<Event>>> byType = new LinkedHashMap<>();
    final Map<String, List<Consumer<Event>>> byChannel = new LinkedHashMap<>();
    Consumer<Reset> onReset = reset -> LOG.log(
            Level.INFO,
            "ssemux client: the server could not resume (" + reset.reason() + "); events may have been missed");
    Consumer<Set<String>> onRevoked = channels -> LOG.log(
            Level.WARNING,
            "ssemux client: the server revoked channels " + channels
                    + " (the credential no longer grants them); they were dropped");
    Supplier<? extends CompletionStage<String>> tokenSource;
    Runnable onEvicted = () -> LOG.log(
            Level.WARNING,
            "ssemux client: evicted, a newer connection of the same user replaced this one; not reconnecting");
    double deadAfterHeartbeats = 3;

    SseClientBuilder(URI base) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme();
        if ((!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme))
                || base.getHost() == null
                || base.getRawQuery() != null
                || base.getRawFragment() != null) {
            throw new IllegalArgumentException("base: '" + base
                    + "' (expected: an http or https URI without query, such as http://localhost:8080)");
        }
        this.base = base;
    }

    /** Channels to receive (default: {@code all}, every channel). Adds to those named before. */
    public SseClientBuilder channels(String... channels) {
        for (String channel : channels) {
            this.channels.add(checkChannel(channel));
        }
        return this;
    }

    /**
     * The user, for the server's <b>development</b> authenticator (the {@code user} query
     * parameter). A real deployment authenticates with a token ({@link #tokenAsync}) instead.
     */
    public SseClientBuilder user(String user) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user: empty (expected: a user id)");
        }
        this.user = user;
        return this;
    }

    /**
     * Authenticates with bearer tokens that {@code source} fetches, such as from an identity
     * provider or the application's own backend. The client asks it for a token for every connection
     * (the first, each reconnection) and to refresh the credential of the live stream when the server
     * warns that it expires ({@code token_expiring}); each is sent as {@code Authorization: Bearer}
     * on the stream and on the client's requests, and replaces an {@code Authorization}
     * {@link #header header}. The token never appears in the client's logs or exceptions.
     *
     * <ul>
     *   <li>A refresh that succeeds keeps the stream open: no reconnection, no event lost. One that
     *       fails (the source fails, the server refuses) is reported to {@link #onError}; the server
     *       then ends the stream at the expiry ({@code token_expired}), and the client reconnects at
     *       once with a fresh token and resumes after the last event it received.
     *   <li>A connection refused with 401 is retried after the backoff with a fresh token (one may
     *       expire on its way) rather than ending the client in {@code FAILED}.
     * </ul>
     *
     * <p>{@code source} is called on one of the client's threads and must return at once; the
     * stage may complete on any thread, and is given up after the {@link #connectTimeout}. A source
     * that fetches should cache its token until near its expiry. The last of {@code token} and
     * {@code tokenAsync} applies.
     *
     * <pre>{@code
     * SseClient.builder(URI.create("https://app.example.com"))
     *         .tokenAsync(() -> auth.fetchToken())   // a CompletableFuture<String>
     *         .channels("jobs")
     *         .build();
     * }</pre>
     */
    public SseClientBuilder tokenAsync(Supplier<? extends CompletionStage<String>> source) {
        this.tokenSource = Objects.requireNonNull(source, "source");
        return this;
    }

    /**
     * Authenticates with bearer tokens that {@code token} answers at once, as {@link #tokenAsync}
     * does with those it fetches. It must be cheap and never block, for it runs on the client's
     * threads: a field the application keeps fresh, a token computed in memory. A supplier that
     * throws fails like a source whose stage fails.
     */
    public SseClientBuilder token(Supplier<String> token) {
        Objects.requireNonNull(token, "token");
        this.tokenSource = () -> CompletableFuture.completedFuture(token.get());
        return this;
    }

    /**
     * Calls {@code handler} with every event of {@code type}, whatever its channel.
     *
     * @throws IllegalArgumentException if {@code type} is not a valid event type, or is reserved for the
     *     server ({@code connected}, {@code reset}, {@code evicted}, {@code token_expiring},
     *     {@code token_expired}, {@code revoked}: see {@link #onReset}, {@link #onEvicted},
     *     {@link #tokenAsync} and {@link #onRevoked})
     */
    public SseClientBuilder on(String type, Consumer<Event> handler) {
        if (!Names.isValid(type)) {
            throw new IllegalArgumentException("type: '" + type + "' (expected: " + Names.GRAMMAR + ")");
        }
        if (RESERVED.contains(type)) {
            throw new IllegalArgumentException("type: '" + type
                    + "' is the server's (expected: an application event type; see onReset, onEvicted, onRevoked)");
        }
        byType.computeIfAbsent(type, t -> new ArrayList<>()).add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Calls {@code handler} with every event on {@code channel}, whatever its type; {@code all} means
     * every event. Naming a channel here does not subscribe to it: see {@link #channels}.
     */
    public SseClientBuilder onChannel(String channel, Consumer<Event> handler) {
        byChannel
                .computeIfAbsent(checkChannel(channel), c -> new ArrayList<>())
                .add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Called when the server could not resume the stream: reload the application's state (default: logs). */
    public SseClientBuilder onReset(Consumer<Reset> callback) {
        this.onReset = Objects.requireNonNull(callback, "callback");
        return this;
    }

    /** Called when the server evicted the stream; the client then stops, in state EVICTED (default: logs). */
    public SseClientBuilder onEvicted(Runnable callback) {
        this.onEvicted = Objects.requireNonNull(callback, "callback");
        return this;
    }

    /**
     * Called with the channels the server revoked from the live stream, sorted, when a refreshed
     * token no longer grants them (default: logs). They are dropped from {@link SseClient#channels()}
     * too, so later connections do not ask for them.
     */
    public SseClientBuilder onRevoked(Consumer<Set<String>> callback) {
        this.onRevoked = Objects.requireNonNull(callback, "callback");
        return this;
    }

    /**
     * How many heartbeat intervals (as the server announces them) a stream may stay silent before
     * it is taken for dead and replaced (default 3). Time spent held back by
     * {@link #maxQueuedEvents} does not count.
     */
    public SseClientBuilder deadAfterHeartbeats(double multiple) {
        if (!(multiple >= 1) || Double.isInfinite(multiple)) {
            throw new IllegalArgumentException("deadAfterHeartbeats: " + multiple + " (expected: >= 1)");
        }
        this.deadAfterHeartbeats = multiple;
        return this;
    }

    /** Builds the client and starts connecting in the background; returns at once, in state CONNECTING. */
    public SseClient build() {
        DefaultSseClient client = new DefaultSseClient(this, nameOrDefault(), new Handlers(byType, byChannel));
        client.start();
        return client;
    }

    static String checkChannel(String channel) {
        if (!Names.isValid(channel)) {
            throw new IllegalArgumentException("channel: '" + channel + "' (expected: " + Names.GRAMMAR + ")");
        }
        return channel;
    }
}
