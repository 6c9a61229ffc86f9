package io.ssemux.spring.web;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run the hub's calls on the streams of a Spring server: a few single threads
 * (one per core by default), each stream pinned to one of them in turn, so a stream's frames are
 * written in order without a lock and without a thread per stream. The servlet container's and
 * Reactor Netty's own threads are never blocked by the hub.
 *
 * <p>Not API: public for the transports and the auto-configuration. Thread-safe. Must be
 * {@linkplain #close() closed} by whoever made it.
 */
public final class SinkExecutors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkExecutors.class);
    private final ExecutorService[] threads;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @throws IllegalArgumentException {@code threads < 1}
     */
    public SinkExecutors(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        this.threads = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            String name = "ssemux-stream-" + i;
            this.threads[i] = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                thread.setUncaughtExceptionHandler((t, e) -> log.error("a stream task failed on {}", t.getName(), e));
                return thread;
            });
        }
    }

    /** The thread of a new stream: each in turn. */
    public ExecutorService next() {
        return threads[Math.floorMod(next.getAndIncrement(), threads.length)];
    }

    /** Stops the threads once what they were given has run. */
    @Override
    public void close() {
        for (ExecutorService thread : threads) {
            thread.shutdown();
        }
    }
}
