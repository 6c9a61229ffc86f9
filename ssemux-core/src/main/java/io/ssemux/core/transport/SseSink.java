package io.ssemux.core.transport;

import io.ssemux.core.sse.Frame;
import java.util.concurrent.Executor;

/**
 * The transport's side of one open stream, implemented by a transport (Netty's) for each connection.
 *
 * <p>Threading: the hub calls every method but {@link #executor()} on that executor only (for Netty,
 * the channel's event loop), so an implementation needs no locking and keeps per-connection order.
 * None of the methods may block.
 */
public interface SseSink {

    /** The single thread that runs this sink's calls, in the order they were submitted. */
    Executor executor();

    /**
     * Whether the transport's outbound buffer is below its limit; false, while the sink is
     * {@linkplain #isOpen() open}, means a slow consumer.
     */
    boolean isWritable();

    /**
     * Whether the connection is still open. A transport that closes a connection by itself (the
     * client reset it, a write failed) reports it through {@link Connection#closed} a moment later;
     * until then the sink is not writable, and this tells that apart from a full buffer. True by
     * default, for sinks that never close by themselves.
     */
    default boolean isOpen() {
        return true;
    }

    /** Queues the frame's bytes; nothing reaches the socket before {@link #flush()}. */
    void send(Frame frame);

    /** Pushes what {@link #send} queued to the socket. */
    void flush();

    /**
     * Sends {@code farewell} (when not null) and whatever is queued, then ends the stream.
     * The transport reports the end back through {@link Connection#closed}.
     */
    void close(Frame farewell);
}
