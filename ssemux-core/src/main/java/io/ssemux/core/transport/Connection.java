package io.ssemux.core.transport;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;

/**
 * One open stream, as its transport holds it: returned by {@link io.ssemux.core.Hub#connect}, it is
 * how the transport tells the hub what happened to the socket.
 *
 * <p>Thread-safe. The transport calls {@link #writable()} and {@link #closed} from the sink's executor.
 */
public interface Connection {

    /** What the stream is: id, user, channels and format, as of now. */
    ConnectionInfo info();

    /** The transport tells the hub the sink is writable again, so a paused replay goes on. */
    void writable();

    /**
     * The transport tells the hub the stream has ended; the connection leaves every index at once.
     * Idempotent: the first reason wins.
     */
    void closed(CloseReason reason);
}
