package io.ssemux.spring.web;

import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.SseSink;
import java.util.concurrent.Executor;

/**
 * What the Spring transports' sinks share: frames queue until the server takes them, and more than the
 * outbound limit queued makes the sink unwritable, which the hub treats as a slow consumer, as it does
 * Netty's write buffer; once a full queue is down to half, {@link #drainedAfterFull()} says to tell the
 * hub it is writable again. A close sends the farewell and ends the stream once the queue is out.
 *
 * <p>Not API: public for the transports of this module. Every method runs on the sink's executor but
 * {@link #isOpen}, which may be read anywhere.
 */
public abstract class QueuedSink implements SseSink {
    private final Executor executor;
    private final long limitBytes;
    private long queuedBytes;
    private boolean full;
    private boolean ending;
    private volatile boolean open = true;

    protected QueuedSink(Executor executor, long limitBytes) {
        this.executor = executor;
        this.limitBytes = limitBytes;
    }

    @Override
    public final Executor executor() {
        return executor;
    }

    @Override
    public boolean isWritable() {
        return isOpen() && queuedBytes < limitBytes;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public final void send(Frame frame) {
        if (ending || !open) {
            return;
        }
        enqueue(frame);
        queuedBytes += frame.length();
        if (queuedBytes >= limitBytes) {
            full = true;
        }
    }

    @Override
    public final void close(Frame farewell) {
        if (ending || !open) {
            return;
        }
        if (farewell != null) {
            send(farewell);
        }
        ending = true;
        flush();
    }

    /** Queues a frame's bytes until {@link #flush()}. */
    protected abstract void enqueue(Frame frame);

    /** The server took {@code bytes} of the queue. */
    protected final void taken(long bytes) {
        queuedBytes -= bytes;
    }

    /** True once after the queue went over the limit and is down to half: tell the hub it is writable. */
    protected final boolean drainedAfterFull() {
        if (full && queuedBytes <= limitBytes / 2) {
            full = false;
            return true;
        }
        return false;
    }

    /** Whether the stream is to end once its queue is out. */
    protected final boolean ending() {
        return ending;
    }

    /** The stream is over: nothing more is queued; what was is forgotten. */
    protected final void ended() {
        open = false;
        queuedBytes = 0;
    }
}
