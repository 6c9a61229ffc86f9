package io.ssemux.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thread of a client that runs application code: event handlers and the lifecycle
 * callbacks, one at a time, in the order they were queued. A callback that throws is logged and the
 * next one runs; the stream is not affected.
 *
 * <p>Flow control: past {@code maxQueued} waiting callbacks the dispatcher is
 * {@linkplain #backlogged() backlogged}, and the stream stops reading until it has drained to half
 * that ({@link #whenDrained}). A slow handler so holds back the socket, not the heap: the server
 * keeps the rest, or cuts the stream as a slow consumer and replays it after the reconnect.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());

    private final ExecutorService executor;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicReference<Runnable> onDrained = new AtomicReference<>();

    Dispatcher(ThreadFactory threads, int maxQueued) {
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        this.maxQueued = maxQueued;
    }

    /** Queues {@code callback}; {@code what} names it in the log if it throws. Dropped once shut down. */
    void execute(String what, Runnable callback) {
        queued.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    run(what, callback);
                } finally {
                    if (queued.decrementAndGet() <= maxQueued / 2) {
                        resume();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // shut down: the client is closed, nothing more is delivered
        }
    }

    /** Whether the stream should stop reading until {@link #whenDrained} says otherwise. Any thread. */
    boolean backlogged() {
        return queued.get() >= maxQueued;
    }

    /** Runs {@code resume} (once, on some thread) when the queue is down to half its bound; at once if it is. */
    void whenDrained(Runnable resume) {
        onDrained.set(resume);
        if (queued.get() <= maxQueued / 2) {
            resume(); // it drained while we were registering
        }
    }

    private void resume() {
        Runnable resume = onDrained.getAndSet(null);
        if (resume != null) {
            resume.run();
        }
    }

    private static void run(String what, Runnable callback) {
        try {
            callback.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "ssemux client: " + what + " threw; the stream goes on", e);
        }
    }

    /**
     * Runs what is queued, then stops the thread. Waits for that at most {@code wait}, or not at all
     * when called by a callback (its thread ends when the callback returns).
     */
    void shutdown(Duration wait, boolean fromCallback) {
        executor.shutdown();
        if (fromCallback) {
            return;
        }
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "ssemux client: a callback still runs after " + wait + "; interrupting it");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
