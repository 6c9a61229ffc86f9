package io.ssemux.core.sse;

/**
 * Receives what an {@link SseParser} finds in a stream, synchronously, on the thread that calls
 * {@link SseParser#feed(byte[], int, int) feed}, in stream order.
 *
 * <p>An exception thrown by a callback propagates out of {@code feed}; the bytes of that call after
 * the line that triggered the callback are then not parsed.
 */
@FunctionalInterface
public interface SseListener {

    /**
     * An event was dispatched: a blank line ended an event that had at least one {@code data} field.
     *
     * @param message the event
     */
    void onEvent(SseMessage message);

    /**
     * A {@code retry} field set the reconnection time. Called as soon as the line is read, only when
     * the value is one or more ASCII digits; a value beyond {@link Long#MAX_VALUE} is reported as
     * {@code Long.MAX_VALUE}.
     *
     * @param millis the new reconnection time in milliseconds
     */
    default void onRetry(long millis) {}

    /**
     * A comment line ({@code :} first) was read. The spec ignores comments; they are surfaced so that a
     * client can notice heartbeats. {@code comment} is the text after the colon with one leading
     * space removed if present, as for field values: {@code ": heartbeat"} gives {@code "heartbeat"}.
     *
     * @param comment the comment text, decoded like field values
     */
    default void onComment(String comment) {}
}
