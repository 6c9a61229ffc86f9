package io.ssemux.bench.jmh;

import io.ssemux.core.Hub;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A connect storm on one channel: 1k or 19k streams connect to a fresh hub, one after the other,
 * through the hub's whole connect (id, indexes, opening frame, the channel's subscribers). Divide by
 * the streams for the cost of one connect: flat when subscribing is O(1), growing with the storm when
 * each subscribe copies the channel's subscribers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class ConnectStormBenchmark {
    @Param({"1000", "19000"})
    int streams;

    Hub hub;

    @Setup(Level.Iteration)
    public void setUp() {
        hub = Hubs.newHub();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        hub.close();
    }

    @Benchmark
    public int connectAll() {
        for (int i = 0; i < streams; i++) {
            Hubs.connect(hub, i, "storm");
        }
        return hub.subscribersOf("storm");
    }
}
