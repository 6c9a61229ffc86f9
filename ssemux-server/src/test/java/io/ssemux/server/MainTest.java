package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
    private static final Duration EXIT_BOUND = Duration.ofSeconds(15);

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariable() throws Exception {
        try (ServerProcess help = ServerProcess.start(Map.of(), "--help")) {
            assertThat(help.awaitExit(EXIT_BOUND)).isZero();
            assertThat(help.output()).contains("--port", "SSEMUX_PORT", "--host", "SSEMUX_HOST", "--heartbeat-seconds",
                    "--max-connections-per-user", "--max-connections", "--max-channels", "--history-events",
                    "--history-seconds", "--max-body-bytes", "--outbound-limit-bytes", "--cors-origin", "--io-threads");
        }
    }

    @Test
    void refusesAnInvalidSettingWithAClearMessage() throws Exception {
        try (ServerProcess bad = ServerProcess.start(Map.of(), "--port", "0", "--max-connections-per-user", "0")) {
            assertThat(bad.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(bad.output()).contains("Invalid setting: maxConnectionsPerUser: 0 (expected: > 0)");
        }
    }

    @Test
    void takesSettingsFromTheEnvironmentAndPortZeroPicksAFreePort() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("SSEMUX_PORT", "0", "SSEMUX_HEARTBEAT_SECONDS", "7"))) {
            int port = server.awaitPort();
            assertThat(port).isPositive().isNotEqualTo(8080);
            try (Socket socket = openStream(port)) {
                assertThat(readUntil(socket.getInputStream(), "\"heartbeatSeconds\":7}")).contains("event: connected");
            }
            assertThat(server.output()).contains("Not for production");
        }
    }

    @Test
    void endsEveryStreamAndExitsOnSigterm() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--port", "0")) {
            int port = server.awaitPort();
            try (Socket socket = openStream(port)) {
                InputStream in = socket.getInputStream();
                readUntil(in, "event: connected");
                await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("opened"));

                // SIGTERM, through the handle: Process.destroy() would also close our end of its output.
                server.process().toHandle().destroy();

                // The stream ends cleanly: the last chunk, then the end of the connection.
                String rest = readToEnd(in);
                assertThat(rest).endsWith("0\r\n\r\n");
                assertThat(server.awaitExit(EXIT_BOUND)).isEqualTo(143);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(server.output()).contains("shutting down", "reason=SHUTDOWN"));
            }
        }
    }

    private static Socket openStream(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write("GET /api/sse/stream?user=alice&channels=jobs HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static String readToEnd(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
