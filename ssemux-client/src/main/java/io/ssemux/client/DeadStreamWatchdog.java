package io.ssemux.client;

import io.ssemux.core.time.Scheduler;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Tells when a stream is dead: its first event did not come in time ({@link #awaitFirst}), or no
 * byte came for too long ({@link #expectBytesEvery}). Time spent {@link #pause paused} (reading held
 * back by flow control) does not count. Measures and waits with the {@link Scheduler}; one check is
 * scheduled at a time, when the limit would run out, so a busy stream costs one volatile write per
 * read and no rescheduling.
 *
 * <p>Thread-safe: {@link #bytes} is called by the thread that reads, the checks run on the
 * scheduler's thread, the rest comes from either. {@code onDead} is called at most once, on the
 * scheduler's thread, with why the stream is dead.
 */
final class DeadStreamWatchdog {
    private final Scheduler scheduler;
    private final Consumer<String> onDead;
    private volatile long lastByte;

    // Guarded by this.
    private long limit; // nanoseconds; 0 while not watching
    private String rule; // what is awaited, or why the limit is what it is
    private boolean first; // awaiting a first event, not watching bytes
    private long since; // when the wait for the first event started
    private long pausedAt = -1;
    private Scheduler.Cancellable check;
    private boolean stopped;

    /** @param onDead told why, once, when the stream is found dead */
    DeadStreamWatchdog(Scheduler scheduler, Consumer<String> onDead) {
        this.scheduler = scheduler;
        this.onDead = onDead;
        this.lastByte = scheduler.nanoTime();
    }

    /** The stream is dead if {@code what} (its first event) does not come within {@code timeout} from now. */
    synchronized void awaitFirst(Duration timeout, String what) {
        first = true;
        since = scheduler.nanoTime();
        watch(timeout, what);
    }

    /** From now on, the stream is dead after {@code limit} without a byte; {@code why} explains the limit. */
    synchronized void expectBytesEvery(Duration limit, String why) {
        first = false;
        lastByte = scheduler.nanoTime();
        watch(limit, why);
    }

    /** Bytes arrived. */
    void bytes() {
        lastByte = scheduler.nanoTime();
    }

    /** Reading is held back until {@link #resume}: that time does not count. */
    synchronized void pause() {
        if (pausedAt < 0) {
            pausedAt = scheduler.nanoTime();
        }
    }

    /** Reading goes on. */
    synchronized void resume() {
        if (pausedAt < 0) {
            return;
        }
        long pausedFor = scheduler.nanoTime() - pausedAt;
        pausedAt = -1;
        since += pausedFor;
        lastByte += pausedFor;
        if (check == null && limit > 0 && !stopped) {
            schedule(limit - idle());
        }
    }

    /** Stops watching for good; idempotent. */
    void stop() {
        Scheduler.Cancellable c;
        synchronized (this) {
            stopped = true;
            c = check;
            check = null;
        }
        if (c != null) {
            c.cancel();
        }
    }

    /** Holds this. */
    private void watch(Duration limit, String rule) {
        if (stopped) {
            return;
        }
        this.limit = limit.toNanos();
        this.rule = rule;
        if (check != null) {
            check.cancel();
            check = null;
        }
        if (pausedAt < 0) {
            schedule(this.limit);
        }
    }

    /** Holds this. */
    private long idle() {
        return scheduler.nanoTime() - (first ? since : lastByte);
    }

    /** Holds this. */
    private void schedule(long nanos) {
        try {
            check = scheduler.schedule(Duration.ofNanos(Math.max(0, nanos)), this::check);
        } catch (RejectedExecutionException e) {
            check = null; // the client is closing
        }
    }

    private void check() {
        String why;
        synchronized (this) {
            check = null;
            if (stopped || limit == 0 || pausedAt >= 0) {
                return; // resume() schedules the next check
            }
            long idle = idle();
            if (idle < limit) {
                schedule(limit - idle);
                return;
            }
            stopped = true;
            why = first
                    ? "no " + rule + " within " + seconds(limit)
                    : "no bytes for " + seconds(idle) + " (" + rule + "): the connection is dead";
        }
        onDead.accept(why);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
