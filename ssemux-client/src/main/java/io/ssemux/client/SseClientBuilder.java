package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.Names;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

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

    final URI base;
    final Set<String> channels = new LinkedHashSet<>();
    String user;
    final Map<String, List<Consumer<Event>>> byType = new LinkedHashMap<>();
    final Map<String, List<Consumer<Event>>> byChannel = new LinkedHashMap<>();
    Consumer<Reset> onReset = reset -> LOG.log(
            Level.INFO,
            "ssemux client: the server could not resume (" + reset.reason() + "); events may have been missed");
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
     * parameter). A real deployment authenticates with a {@link #header header} instead.
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
     * Calls {@code handler} with every event of {@code type}, whatever its channel.
     *
     * @throws IllegalArgumentException if {@code type} is not a valid event type, or is reserved for the
     *     server ({@code connected}, {@code reset}, {@code evicted}: see {@link #onReset} and {@link #onEvicted})
     */
    public SseClientBuilder on(String type, Consumer<Event> handler) {
        if (!Names.isValid(type)) {
            throw new IllegalArgumentException("type: '" + type + "' (expected: " + Names.GRAMMAR + ")");
        }
        if (type.equals("connected") || type.equals("reset") || type.equals("evicted")) {
            throw new IllegalArgumentException("type: '" + type
                    + "' is the server's (expected: an application event type; see onReset, onEvicted)");
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
