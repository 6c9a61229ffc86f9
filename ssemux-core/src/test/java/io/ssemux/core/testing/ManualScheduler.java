package io.ssemux.core.testing;

import io.ssemux.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link Scheduler} whose time moves only when a test says so: {@link #advance} runs every task that
 * falls due, in order, on the calling thread. Its {@link #clock()} moves with it. Thread-safe: other
 * threads may schedule while a test advances.
 */
public final class ManualScheduler implements Scheduler {
    private final Instant origin;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(); // guarded by this
    private long now; // guarded by this: nanoseconds since origin
    private long sequence; // guarded by this
    private boolean closed; // guarded by this

    private final class Task implements Comparable<Task>, Cancellable {
        final long due;
        final long order;
        final Runnable action;

        Task(long due, long order, Runnable action) {
            this.due = due;
            this.order = order;
            this.action = action;
        }

        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
        }
    }

    /** A scheduler whose clock starts at {@code origin}. */
    public ManualScheduler(Instant origin) {
        this.origin = origin;
    }

    /** A scheduler whose clock starts at 2026-01-01T00:00:00Z. */
    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        Task t = new Task(now + Math.max(0, delay.toNanos()), sequence++, task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward by {@code duration}, running each task as its time comes. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.action.run();
        }
    }

    /** Runs the tasks due now, without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks waiting to run. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** A clock that reads this scheduler's time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("withZone");
            }

            @Override
            public Instant instant() {
                return origin.plusNanos(nanoTime());
            }
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
