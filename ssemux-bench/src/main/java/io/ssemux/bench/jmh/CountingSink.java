package io.ssemux.bench.jmh;

import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.SseSink;
import java.util.concurrent.Executor;

/**
 * A sink that counts what the hub hands it, on the calling thread: the hub's own cost of a
 * fan-out, without a transport. Not thread-safe (benchmarks run one thread).
 */
final class CountingSink implements SseSink {
    static final Executor CALLER = Runnable::run;

    long frames;
    long bytes;
    long flushes;

    @Override
    public Executor executor() {
        return CALLER;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void send(Frame frame) {
        frames++;
        bytes += frame.length();
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void close(Frame farewell) {}
}
