package io.ssemux.client;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A client of an ssemux server: <b>one</b> Server-Sent Events connection that carries every channel
 * the application listens to, kept alive across drops, server restarts and dead networks.
 *
 * <pre>{@code
 * SseClient client = SseClient.builder(URI.create("http://localhost:8080"))
 *         .tokenAsync(() -> auth.fetchToken())  // a CompletionStage<String>
 *         .channels("jobs", "pending-changes")
 *         .on("job_completed", e -> System.out.println("job done: " + e.data()))
 *         .onChannel("pending-changes", e -> System.out.println(e.type() + " " + e.data()))
 *         .build();              // connects in the background
 * ...
 * client.subscribe("alerts");   // on the live connection, no reconnect
 * client.close();
 * }</pre>
 *
 * <p><b>Resilience.</b> When the stream ends or fails, the client reconnects after a {@link Backoff}
 * delay (raised by the server's {@code retry:} field and {@code Retry-After}; growing while attempts
 * fail, starting over after a stream that delivered an event or stayed open 10 s) and sends the id of the
 * last event it received ({@code Last-Event-ID}), so the server replays what was missed; when it
 * cannot, the application hears of it through {@code onReset}. A stream silent for longer than a
 * few heartbeats (as announced in the server's {@code connected} event) is taken for dead and
 * replaced. The server's refusals are reported with their status and message: a 4xx other than 429,
 * a 2xx or 3xx other than 200, or a response that is not {@code text/event-stream} end the client in
 * {@link State#FAILED}; 429, 5xx and I/O errors are retried, and so is a 401 when the client has a
 * token source. An {@code evicted} event (the same user opened too many connections) ends it in
 * {@link State#EVICTED}. A {@code draining} event (the server is being restarted) is no failure: the
 * client reconnects after the delay the server gives it, not its backoff, and resumes on whichever
 * node takes it.
 *
 * <p><b>Credentials.</b> With a token source ({@link SseClientBuilder#tokenAsync tokenAsync} or
 * {@link SseClientBuilder#token token}) every connection carries a fresh bearer token. When the
 * server warns that the stream's token expires ({@code token_expiring}), the client refreshes it on
 * the live stream, which goes on without a reconnection; if that fails it is reported, and at the
 * expiry ({@code token_expired}) the client reconnects at once with a fresh token and resumes after
 * its last event. Channels that a new token no longer grants are dropped and reported
 * ({@link SseClientBuilder#onRevoked onRevoked}).
 *
 * <p><b>Threads.</b> Every handler and callback runs on the client's one event thread
 * ({@code <name>-events}), one at a time, in the order of the stream: a slow handler delays the
 * next ones but loses nothing; one that throws is logged ({@link System.Logger}) and the stream goes
 * on. Reconnections and the watch for dead streams run on the {@link SseClientBuilder#scheduler
 * scheduler} (by default the client's own, {@code <name>-scheduler}); the stream is read on the HTTP
 * client's threads ({@code <name>-http-N} for the client's own). Nothing waits on a blocked thread.
 * The methods of this interface are thread-safe.
 *
 * <p>For an SSE endpoint that is not ssemux, see {@link #forUrl}.
 */
public interface SseClient extends AutoCloseable {

    /**
     * A builder for a client of the server at {@code base}, such as {@code http://localhost:8080};
     * the protocol's paths ({@code /api/sse/…}) are appended to it.
     *
     * @throws IllegalArgumentException if {@code base} is not an absolute http or https URI without query
     */
    static SseClientBuilder builder(URI base) {
        return new SseClientBuilder(base);
    }

    /**
     * A builder for a client of a plain SSE stream of any server, at {@code streamUrl}: every event
     * with its type, id and data, with the same resilience as an ssemux client.
     *
     * @throws IllegalArgumentException if {@code streamUrl} is not an absolute http or https URI
     */
    static PlainSseClientBuilder forUrl(URI streamUrl) {
        return new PlainSseClientBuilder(streamUrl);
    }

    /** Where the client stands. */
    enum State {
        /** The first connection is being made. */
        CONNECTING,
        /** The stream is open: the server's {@code connected} event arrived. */
        OPEN,
        /** The stream ended or failed; the client waits for its backoff delay or is connecting again. */
        RECONNECTING,
        /** {@link #close()} was called. Final. */
        CLOSED,
        /** The server replaced this stream by a newer one of the same user; the client does not reconnect. Final. */
        EVICTED,
        /** The server refused in a way that retrying cannot fix (see the error callback). Final. */
        FAILED
    }

    /** The current state. */
    State state();

    /**
     * The channels the client wants, sorted: those the builder named, changed by {@link #subscribe}
     * and {@link #unsubscribe}. Every connection opens with them.
     */
    Set<String> channels();

    /** The id of the last event received, {@code ""} if none: what a reconnection resumes after. */
    String lastEventId();

    /**
     * Adds channels, on the live connection when there is one ({@code POST /api/sse/subscriptions},
     * no reconnect) and for every later connection.
     *
     * @return completes, on an internal thread, with the live connection's channels once the server
     *     applied the change, or with {@link #channels()} when no connection is open (the next one
     *     opens with them); fails with {@link SseClientException} when the server refuses, and the
     *     change is then undone
     * @throws IllegalArgumentException if a name is not a valid channel name
     * @throws IllegalStateException if the client is closed, evicted or failed
     */
    CompletableFuture<Set<String>> subscribe(String... channels);

    /**
     * Removes channels, like {@link #subscribe} adds them. Removing every channel leaves the stream
     * open with none, ready for a later {@link #subscribe}; to stop receiving for good,
     * {@link #close()} the client.
     *
     * @throws IllegalArgumentException if a name is not a valid channel name
     * @throws IllegalStateException if the client is closed, evicted or failed
     */
    CompletableFuture<Set<String>> unsubscribe(String... channels);

    /**
     * Closes the connection and stops the client's threads, after the callbacks already queued have
     * run (waiting at most a few seconds for them, and not at all when called from a callback).
     * The state becomes {@link State#CLOSED} unless it was already final. Idempotent.
     */
    @Override
    void close();
}
