package io.ssemux.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** What the streams of one process have seen. Thread-safe: every I/O thread updates it. */
final class ClientCounters {
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final LongAdder received = new LongAdder();
    private final LongAdder measured = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final Recorder latency = new Recorder(Histograms.MAX_MICROS, 3);
    private final Recorder connectTimes = new Recorder(Histograms.MAX_MICROS, 3);
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private volatile boolean stopping;

    void connected(long micros) {
        connected.incrementAndGet();
        connectTimes.recordValue(Math.min(micros, Histograms.MAX_MICROS));
    }

    void failed(String why) {
        failed.incrementAndGet();
        firstProblem.compareAndSet(null, why);
    }

    void error(Throwable cause) {
        if (!stopping) {
            firstProblem.compareAndSet(null, cause.toString());
        }
    }

    void closed() {
        if (!stopping) {
            closed.incrementAndGet();
        }
    }

    void gap(long missing) {
        gaps.add(missing);
    }

    void duplicate() {
        duplicates.increment();
    }

    void received(boolean warmup, long micros) {
        received.increment();
        if (!warmup) {
            measured.increment();
            latency.recordValue(Math.max(0, Math.min(micros, Histograms.MAX_MICROS)));
        }
    }

    /** From now on, streams that end are being closed by the run, not by the server. */
    void stopping() {
        stopping = true;
    }

    int connectedCount() {
        return connected.get();
    }

    int settledCount() {
        return connected.get() + failed.get();
    }

    String firstProblem() {
        return firstProblem.get();
    }

    /** A report with the latencies recorded since the previous one, and the connect times when {@code last}. */
    Report report(boolean last) {
        Histogram interval = latency.getIntervalHistogram();
        return new Report(
                connected.get(),
                failed.get(),
                closed.get(),
                received.sum(),
                measured.sum(),
                gaps.sum(),
                duplicates.sum(),
                Histograms.encode(interval),
                last ? Histograms.encode(connectTimes.getIntervalHistogram()) : null);
    }
}
