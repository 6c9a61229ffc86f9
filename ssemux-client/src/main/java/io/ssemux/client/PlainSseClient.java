package io.ssemux.client;

/**
 * A resilient client of any Server-Sent Events endpoint, not only ssemux's: it reads one stream,
 * hands every event with its type, id and data to the handlers, and reconnects when the stream ends
 * or fails, sending {@code Last-Event-ID} so that a server that keeps history can resume.
 * Made by {@link SseClient#forUrl}.
 *
 * <pre>{@code
 * PlainSseClient client = SseClient.forUrl(URI.create("https://example.com/stream"))
 *         .on("price", e -> System.out.println(e.id() + " " + e.data()))
 *         .idleTimeout(Duration.ofMinutes(1))   // the server sends something at least every minute
 *         .build();                             // connects in the background
 * ...
 * client.close();
 * }</pre>
 *
 * <p><b>Resilience.</b> As for {@link SseClient}: a {@link Backoff} delay between connections (raised
 * by the server's {@code retry:} field and {@code Retry-After}); refusals reported through
 * {@code onError} with their status; a 4xx other than 429, a 2xx or 3xx other than 200 (such as 204,
 * the way a server says "stop") or a response that is not {@code text/event-stream} end the client in
 * {@link SseClient.State#FAILED}. A foreign server announces no heartbeat, so a silent stream is taken
 * for dead only if {@link PlainSseClientBuilder#idleTimeout} is set. The state is never
 * {@link SseClient.State#EVICTED}; it is {@link SseClient.State#OPEN} once the server answered with a stream.
 *
 * <p><b>Threads.</b> Every handler and callback runs on the client's one event thread
 * ({@code <name>-events}), one at a time, in the order of the stream. The methods of this interface
 * are thread-safe.
 */
public interface PlainSseClient extends AutoCloseable {

    /** The current state. */
    SseClient.State state();

    /** The id of the last event received, {@code ""} if none: what a reconnection resumes after. */
    String lastEventId();

    /**
     * Closes the connection and stops the client's threads, as {@link SseClient#close()} does.
     * Idempotent.
     */
    @Override
    void close();
}
