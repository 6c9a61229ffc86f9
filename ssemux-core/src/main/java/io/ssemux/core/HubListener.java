package io.ssemux.core;

/**
 * Observes streams opening and closing, and events reaching them, for logs and metrics. It sees
 * snapshots ({@link ConnectionInfo}), never the streams themselves.
 *
 * <p>Called on the thread that caused the change: a transport's I/O thread for an opened stream, a
 * closed socket, a slow consumer's cut or an eviction (which the newer stream's connect causes), the
 * caller of {@link Hub#close()} at shutdown. It must be quick, and must not block or throw.
 */
public interface HubListener {
    /** A stream was opened and registered. */
    default void opened(ConnectionInfo connection) {}

    /** A stream ended and left every index. */
    default void closed(ConnectionInfo connection, CloseReason reason) {}

    /**
     * A live event was written and flushed to the streams of one I/O thread, {@code nanos} after the
     * hub took it (its publish; in cluster mode, its arrival from the backplane). Called on that I/O
     * thread, once per event and I/O thread, not per stream: a histogram's record, no more.
     */
    default void flushed(long nanos) {}
}
