package io.ssemux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * A short run of the load generator against an in-process server, so that it cannot rot: every
 * event reaches every stream exactly once, in order, in one process and split over two.
 */
@Timeout(60)
class LoadSmokeTest {
    private Hub hub;
    private SsemuxServer server;

    @BeforeEach
    void start() {
        hub = Hub.builder()
                .maxConnections(1000)
                .heartbeat(Duration.ofSeconds(30))
                .build();
        server = SsemuxServer.builder(hub)
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        hub.close();
        server.close();
    }

    @Test
    void everyEventReachesEveryStreamOnce() throws Exception {
        LoadResult result = run("--processes", "1");

        assertClean(result);
    }

    @Test
    void http2StreamsOverTwoConnectionsGetEveryEventOnce() throws Exception {
        LoadResult result = run("--processes", "1", "--http2-connections", "2");

        assertClean(result);
        assertThat(server.openSockets()).isLessThanOrEqualTo(3); // 2 h2c connections and the publisher's
    }

    @Test
    void workerProcessesAddUp() throws Exception {
        LoadResult result = run("--processes", "2");

        assertClean(result);
    }

    private LoadResult run(String... extra) throws Exception {
        LoadCommand load = new LoadCommand();
        String[] args = {
            "--port",
            Integer.toString(server.port()),
            "--connections",
            "200",
            "--source-addresses",
            "2",
            "--rate",
            "200",
            "--warmup-seconds",
            "0.5",
            "--duration-seconds",
            "1.5",
            "--idle-seconds",
            "0",
            "--settle-seconds",
            "0",
            "--drain-seconds",
            "5",
            "--connect-seconds",
            "20",
            "--worker-jvm-options",
            "-Xmx64m -XX:TieredStopAtLevel=1",
            "--server-pid",
            Long.toString(ProcessHandle.current().pid()),
            "--label",
            "smoke"
        };
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        new CommandLine(load).parseArgs(all);
        return load.run();
    }

    private static void assertClean(LoadResult result) {
        assertThat(result.connected()).isEqualTo(200);
        assertThat(result.published()).isGreaterThanOrEqualTo(300);
        assertThat(result.expected()).isEqualTo(200 * result.published());
        assertThat(result.delivered()).isEqualTo(result.expected());
        assertThat(result.gaps()).isZero();
        assertThat(result.duplicates()).isZero();
        assertThat(result.closedEarly()).isZero();
        assertThat(result.clean()).isTrue();
        assertThat(result.latencyP99()).isPositive();
        assertThat(result.markdownRow()).startsWith("| smoke | ssemux | 200 |");
    }
}
