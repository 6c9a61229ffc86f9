package io.ssemux.spring.servlet;

import io.ssemux.core.CloseReason;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import io.ssemux.spring.web.QueuedSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * One stream on a servlet container, and the hub's {@link SseSink} for it: the response is in async
 * mode with non-blocking output (Servlet 6.1), so no container thread waits on a slow client. Frames
 * queue here until the container says the socket takes more ({@link WriteListener}); more than the
 * outbound limit queued makes the sink unwritable, which the hub treats as a slow consumer, as it does
 * Netty's write buffer.
 *
 * <p>Threading: every method of the sink runs on its executor (one thread of
 * {@link io.ssemux.spring.web.SinkExecutors}); the container's callbacks ({@link #onWritePossible},
 * {@link #onError}, the {@link AsyncListener} ones) only hand over to it, but for completing a failed
 * response, which the container needs done before its callback returns: the output is only touched
 * under this sink's lock, and never once the response is complete. {@link #isOpen} may be read
 * anywhere.
 */
final class ServletSink extends QueuedSink implements WriteListener, AsyncListener {
    private final ArrayDeque<Frame> queued = new ArrayDeque<>();
    private AsyncContext async;
    private ServletOutputStream out;
    private Connection connection;
    /** The container has the output: set once {@link #start} ran. */
    private boolean started;
    /** {@code isReady()} said no: wait for {@link #onWritePossible}. */
    private boolean waiting;
    /** The response has ended: nothing may touch it again. Guarded by {@code this}. */
    private boolean completed;

    ServletSink(Executor executor, long limitBytes) {
        super(executor, limitBytes);
    }

    /**
     * Hands the stream its response, in async mode, once the hub has registered it; frames queued
     * meanwhile go out first. Called on the request's thread.
     */
    void start(AsyncContext async, Connection connection) throws IOException {
        ServletOutputStream output = async.getResponse().getOutputStream();
        executor().execute(() -> {
            this.async = async;
            this.out = output;
            this.connection = connection;
            this.started = true;
        });
        async.addListener(this);
        output.setWriteListener(this); // the container calls onWritePossible at once
    }

    @Override
    protected void enqueue(Frame frame) {
        queued.add(frame);
    }

    @Override
    public void flush() {
        if (started && !waiting) {
            write();
        }
    }

    /** Writes what is queued while the container takes it, then flushes; completes an ending stream. */
    private void write() {
        boolean drained;
        synchronized (this) {
            if (completed) {
                return;
            }
            try {
                drained = writeQueued();
            } catch (IOException | RuntimeException e) {
                // the client is gone (a runtime failure: the container recycled the response meanwhile)
                drained = false;
                ended();
            }
            if (drained && ending()) {
                complete();
            }
        }
        if (!isOpen()) {
            gone();
            return;
        }
        if (drained && drainedAfterFull()) {
            connection.writable();
        }
    }

    /** Whether everything queued was written and flushed; false when the container is not ready. Under the lock. */
    private boolean writeQueued() throws IOException {
        while (!queued.isEmpty()) {
            if (!out.isReady()) {
                waiting = true;
                return false;
            }
            Frame frame = queued.poll();
            taken(frame.length());
            out.write(frame.asByteBuffer());
        }
        if (!out.isReady()) {
            waiting = true;
            return false;
        }
        out.flush();
        if (!out.isReady()) {
            waiting = true;
            return false;
        }
        return true;
    }

    /**
     * Ends the response, once: on the sink's thread for an ending stream, or on the container's when it
     * reports a failure. Under the lock, so the output is never touched after: the container recycles it.
     */
    private void complete() {
        completed = true;
        ended();
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // the container ended it first
        }
    }

    /** The client is gone (or the stream ended): the hub forgets it; the first report wins. */
    private void gone() {
        ended();
        queued.clear();
        if (connection != null) {
            connection.closed(CloseReason.CLIENT_GONE);
        }
        synchronized (this) {
            if (!completed && async != null) {
                complete();
            }
        }
    }

    // ---- the container's callbacks: hand over to the executor ----

    @Override
    public void onWritePossible() {
        executor().execute(() -> {
            waiting = false;
            if (isOpen()) {
                write();
            }
        });
    }

    @Override
    public void onError(Throwable failure) {
        executor().execute(this::gone);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        executor().execute(this::gone);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endNow(event);
    }

    /**
     * The container's report of a failed stream (the client went away): the stream is completed here,
     * on the container's thread, since a request neither completed nor dispatched by its listeners gets
     * an error dispatch (to the app's error page, which cannot write to an event stream).
     */
    @Override
    public void onError(AsyncEvent event) {
        endNow(event);
    }

    private void endNow(AsyncEvent event) {
        synchronized (this) {
            if (!completed) {
                completed = true; // the sink's thread learns the rest from gone(), next on its executor
                try {
                    event.getAsyncContext().complete();
                } catch (IllegalStateException alreadyOver) {
                    // completed already
                }
            }
        }
        executor().execute(this::gone);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
