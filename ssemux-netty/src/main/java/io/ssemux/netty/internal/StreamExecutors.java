package io.ssemux.netty.internal;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The executor the hub gets for the streams of an event loop. With no flush window it is the loop
 * itself. With a window, it runs each task that long after it was submitted, in submission order:
 * the hub's drain of an I/O thread's events then runs once per window, so every event published
 * meanwhile goes out in one flush per stream (fewer system calls, a latency of up to the window).
 *
 * <p>Thread-safe; one executor per loop, made on first use and kept, so the hub sees one identity per loop.
 */
final class StreamExecutors {
    private final long windowNanos;
    private final Map<EventLoop, Executor> delayed = new ConcurrentHashMap<>();

    StreamExecutors(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    Executor of(EventLoop loop) {
        if (windowNanos == 0) {
            return loop;
        }
        return delayed.computeIfAbsent(loop, l -> task -> l.schedule(task, windowNanos, TimeUnit.NANOSECONDS));
    }
}
