package io.ssemux.bench.jmh;

import io.ssemux.core.Hub;
import io.ssemux.core.PublishResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One publish to a channel with 1k or 10k subscribers, through the hub's whole path (id, history,
 * encode, per-executor task, per-connection send and flush) into counting sinks. Divide by the
 * subscribers for the hub's cost per delivery; the transport's cost is measured by the load generator.
 */
@State(Scope.Benchmark)
public class FanOutBenchmark extends BenchmarkBase {
    @Param({"1000", "10000"})
    int subscribers;

    Hub hub;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hubs.newHub();
        for (int i = 0; i < subscribers; i++) {
            Hubs.connect(hub, i, "bench");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.close();
    }

    @Benchmark
    public PublishResult publish() {
        return hub.publish("bench", "tick", Hubs.DATA);
    }
}
