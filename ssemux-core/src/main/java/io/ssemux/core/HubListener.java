package io.ssemux.core;

/**
 * Observes connections opening and closing, for logs and metrics.
 *
 * <p>Called on the thread that caused the change (a transport I/O thread, or a publisher's
 * thread for an eviction): it must be quick and must not block or throw.
 */
public interface HubListener {
    /** A stream was opened and registered. */
    default void opened(Connection connection) {}

    /** A stream ended and left every index. */
    default void closed(Connection connection, CloseReason reason) {}
}
