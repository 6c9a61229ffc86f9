package io.ssemux.core.time;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link Scheduler#system}: one daemon thread over {@link System#nanoTime()}. Thread-safe. */
final class SystemScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    SystemScheduler(String threadName) {
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // a cancelled watchdog leaves no garbage behind
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a scheduled task failed", e);
                    }
                },
                Math.max(0, delay.toNanos()),
                TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
