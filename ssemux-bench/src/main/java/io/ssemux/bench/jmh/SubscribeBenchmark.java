package io.ssemux.bench.jmh;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.Hub;
import io.ssemux.core.transport.Connection;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Changing the subscribers of a channel that has 1k or 10k already: a live subscribe plus
 * unsubscribe, and a whole stream's connect plus close.
 */
@State(Scope.Benchmark)
public class SubscribeBenchmark extends BenchmarkBase {
    private static final List<String> BENCH = List.of("bench");

    @Param({"1000", "10000"})
    int subscribers;

    Hub hub;
    ConnectionInfo mover;
    int nextUser;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hubs.newHub();
        for (int i = 0; i < subscribers; i++) {
            Hubs.connect(hub, i, "bench");
        }
        mover = Hubs.connect(hub, -1, "other").info();
        nextUser = subscribers;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.close();
    }

    @Benchmark
    public Set<String> subscribeUnsubscribe() {
        hub.updateSubscriptions(mover.user(), mover.id(), BENCH, List.of());
        return hub.updateSubscriptions(mover.user(), mover.id(), List.of(), BENCH);
    }

    @Benchmark
    public Connection connectClose() {
        Connection connection = Hubs.connect(hub, nextUser++, "bench");
        connection.closed(CloseReason.CLIENT_GONE);
        return connection;
    }
}
