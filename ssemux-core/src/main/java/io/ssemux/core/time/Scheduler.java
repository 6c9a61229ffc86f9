package io.ssemux.core.time;

import java.time.Duration;

/**
 * The one source of time of everything in ssemux that waits: the hub's heartbeats and history
 * expiry, the Java client's backoff and dead-stream detection. Production code uses
 * {@link #system(String)}; tests use a manual scheduler and move time themselves, so no test waits
 * on a real timer.
 *
 * <p>Thread-safe. Tasks run one at a time, on the scheduler's thread (for {@link #system}) or on the
 * thread that advances a manual one; they must be quick, and may schedule further tasks.
 */
public interface Scheduler extends AutoCloseable {

    /** A scheduled task that has not run yet can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Keeps the task from running, if it has not started; idempotent. */
        void cancel();
    }

    /** Monotonic nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * Runs {@code task} once, {@code delay} from now (at once for a zero or negative delay). A task
     * that throws is logged and does not stop the scheduler.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is closed
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** Stops the scheduler's thread, if it has one; tasks not yet run never run. Idempotent. */
    @Override
    void close();

    /**
     * A scheduler on the system's monotonic clock with one daemon thread named {@code threadName}.
     * Whoever makes it closes it.
     */
    static Scheduler system(String threadName) {
        return new SystemScheduler(threadName);
    }
}
