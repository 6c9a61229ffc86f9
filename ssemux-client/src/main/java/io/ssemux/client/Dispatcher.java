package io.ssemux.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread of a client that runs application code: event handlers and the lifecycle
 * callbacks, one at a time, in the order they were queued. A callback that throws is logged and the
 * next one runs; the stream is not affected. The queue is unbounded: a slow handler delays later
 * events, it does not lose them.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());

    private final ExecutorService executor;

    Dispatcher(ThreadFactory threads) {
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
    }

    /** Queues {@code callback}; {@code what} names it in the log if it throws. Dropped once shut down. */
    void execute(String what, Runnable callback) {
        try {
            executor.execute(() -> run(what, callback));
        } catch (RejectedExecutionException e) {
            // Shut down: the client is closed, nothing more is delivered.
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
