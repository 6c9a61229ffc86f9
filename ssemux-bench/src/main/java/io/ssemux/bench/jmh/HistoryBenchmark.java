package io.ssemux.bench.jmh;

import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.EventLog;
import io.ssemux.core.spi.Replay;
import java.time.Clock;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The default history, full (10,000 events): appending one event, and replaying the last 100 to a resuming client. */
@State(Scope.Benchmark)
public class HistoryBenchmark extends BenchmarkBase {
    EventLog log;

    @Setup(Level.Trial)
    public void setUp() {
        log = EventLog.inMemory(10_000, 32L << 20, Duration.ofMinutes(5), Clock.systemUTC());
        for (int i = 0; i < 10_000; i++) {
            log.append(i % 2 == 0 ? "bench" : "other", "tick", Hubs.DATA);
        }
    }

    @Benchmark
    public EncodedEvent append() {
        return log.append("bench", "tick", Hubs.DATA);
    }

    @Benchmark
    public Replay replayLast100() {
        String resumeFrom = Long.toString(Long.parseLong(log.stats().newestId()) - 100);
        return log.replaySince(resumeFrom, "bench"::equals);
    }
}
