package io.ssemux.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a {@link PlainSseClient} of any SSE endpoint: its handlers, the idle timeout, and the
 * options it shares with the ssemux client (headers, backoff, scheduler, HTTP client…), documented
 * once, on the inherited methods. Not thread-safe; each {@link #build()} makes a new client, which
 * connects at once.
 */
public final class PlainSseClientBuilder extends ClientBuilderBase<PlainSseClientBuilder> {
    final URI url;
    final Map<String, List<Consumer<ServerSentEvent>>> byType = new LinkedHashMap<>();
    final List<Consumer<ServerSentEvent>> every = new ArrayList<>();
    Duration idleTimeout;

    PlainSseClientBuilder(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if ((!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme))
                || url.getHost() == null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException("url: '" + url
                    + "' (expected: an http or https URI without fragment, such as https://example.com/stream)");
        }
        this.url = url;
    }

    /**
     * Calls {@code handler} with every event of {@code type} ({@code "message"} for an event without
     * an {@code event:} field).
     */
    public PlainSseClientBuilder on(String type, Consumer<ServerSentEvent> handler) {
        Objects.requireNonNull(type, "type");
        if (type.isEmpty() || type.indexOf('\n') >= 0 || type.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("type: '" + type + "' (expected: a non-empty event type on one line)");
        }
        byType.computeIfAbsent(type, t -> new ArrayList<>()).add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Calls {@code handler} with every event, whatever its type, after the handlers of its type. */
    public PlainSseClientBuilder onEvent(Consumer<ServerSentEvent> handler) {
        every.add(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Takes the stream for dead and replaces it after {@code timeout} without a byte (default: none,
     * as a foreign server announces no heartbeat). Set it above the interval at which the server
     * sends something, events or comments. Time spent held back by {@link #maxQueuedEvents} does not count.
     */
    public PlainSseClientBuilder idleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + timeout + " (expected: > 0)");
        }
        this.idleTimeout = timeout;
        return this;
    }

    /** Builds the client and starts connecting in the background; returns at once, in state CONNECTING. */
    public PlainSseClient build() {
        DefaultPlainSseClient client = new DefaultPlainSseClient(this, nameOrDefault());
        client.start();
        return client;
    }
}
