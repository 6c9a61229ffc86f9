package io.ssemux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A few seconds of the soak against an in-process server with 1-second timeouts and a small outbound
 * limit, so that it cannot rot: streams churn and resume without a gap, the slow reader goes through
 * its cycle, every bad request gets the answer it must, and nothing answers 5xx.
 */
@Timeout(60)
class SoakSmokeTest {
    private Hub hub;
    private SsemuxServer server;

    @BeforeEach
    void start() {
        hub = Hub.builder().heartbeat(Duration.ofSeconds(30)).build();
        server = SsemuxServer.builder(hub)
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .outboundLimitBytes(16 * 1024)
                .timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        hub.close();
        server.close();
    }

    @Test
    void aShortSoakSeesNoServerErrorNorAnythingUnexpected(@TempDir Path dir) throws Exception {
        SoakCommand soak = new SoakCommand();
        new CommandLine(soak)
                .parseArgs(
                        "--port",
                        Integer.toString(server.port()),
                        "--server-pid",
                        Long.toString(ProcessHandle.current().pid()),
                        "--duration-seconds",
                        "8",
                        "--warmup-seconds",
                        "2",
                        "--sample-seconds",
                        "2",
                        "--settle-seconds",
                        "1",
                        "--no-live-heap",
                        "--streams",
                        "30",
                        "--min-life-seconds",
                        "0.5",
                        "--max-life-seconds",
                        "2",
                        "--resume-percent",
                        "50",
                        "--bulk-percent",
                        "20",
                        "--rate",
                        "40",
                        "--bulk-rate",
                        "10",
                        "--bulk-bytes",
                        "8192",
                        "--slow-readers",
                        "1",
                        "--slow-hold-seconds",
                        "2",
                        "--slow-drain-seconds",
                        "2",
                        "--bad-rate",
                        "12",
                        "--timeout-seconds",
                        "1",
                        "--timeout-slack-seconds",
                        "2",
                        "--histogram-dir",
                        dir.toString(),
                        "--out",
                        dir.resolve("soak.json").toString());

        SoakCommand.Result result = soak.run();

        assertThat(result.problems()).isEmpty();
        assertThat(result.summary())
                .containsEntry("serverErrors", 0L)
                .containsEntry("problems", 0L)
                .containsEntry("gaps", 0L)
                .containsEntry("duplicates", 0L)
                .containsEntry("resets", 0L)
                .containsEntry("badUnexpected", 0L);
        assertThat(result.counters()).containsKeys("streamsOpened", "streamsResumed");
        // Whether the server cut it depends on the kernel's socket buffers; its cycle must have run.
        assertThat(result.counters().getOrDefault("slowReadersCut", 0L)
                        + result.counters().getOrDefault("slowReadersNotCut", 0L))
                .isPositive();
        assertThat(result.counters().get("badOk")).isGreaterThanOrEqualTo(BadInput.values().length);
        // Every kind was tried, and those with an answer got the one they must.
        for (BadInput kind : Arrays.stream(BadInput.values())
                .filter(k -> k.expect == BadInput.Expect.STATUS)
                .toList()) {
            assertThat(result.statuses().get("bad " + kind)).containsOnlyKeys(Integer.toString(kind.status));
        }
        assertThat(result.samples()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(result.samples().get(2).fds()).isPositive();
        assertThat(result.samples().get(2).streams()).isPositive();
        assertThat(Files.readString(dir.resolve("soak.json"))).contains("\"figures\"");
    }
}
