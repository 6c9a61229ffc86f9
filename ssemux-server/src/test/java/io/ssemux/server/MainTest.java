package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
    private static final Duration EXIT_BOUND = Duration.ofSeconds(15);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariable() throws Exception {
        try (ServerProcess help = ServerProcess.start(Map.of(), "--help")) {
            assertThat(help.awaitExit(EXIT_BOUND)).isZero();
            assertThat(help.output())
                    .contains(
                            "--port",
                            "SSEMUX_PORT",
                            "--host",
                            "SSEMUX_HOST",
                            "--heartbeat-seconds",
                            "--max-connections-per-user",
                            "--max-connections",
                            "--max-channels",
                            "--history-events",
                            "--history-seconds",
                            "--max-body-bytes",
                            "--outbound-limit-bytes",
                            "--[no-]demo",
                            "SSEMUX_DEMO",
                            "--data-dir",
                            "SSEMUX_DATA_DIR",
                            "--cors-origin",
                            "--flush-window-millis",
                            "--accept-backlog",
                            "--io-threads",
                            "--transport",
                            "SSEMUX_TRANSPORT",
                            "--reuse-port",
                            "SSEMUX_REUSE_PORT");
        }
    }

    @Test
    void refusesAnInvalidSettingWithAClearMessage() throws Exception {
        try (ServerProcess bad = ServerProcess.start(Map.of(), "--port", "0", "--max-connections-per-user", "0")) {
            assertThat(bad.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(bad.output()).contains("Invalid setting: maxConnectionsPerUser: 0 (expected: > 0)");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--max-token-bytes|10|Invalid setting: maxTokenBytes: 10 (expected: 256 to 65536)",
                "--header-timeout-seconds|0|Invalid setting: header: PT0S (expected: > 0)",
                "--history-max-bytes|0|Invalid setting: historyMaxBytes: 0 (expected: > 0)",
                "--max-event-bytes|-1|Invalid setting: maxEventBytes: -1 (expected: > 0)",
                "--max-sockets|-5|Invalid setting: maxSockets: -5 (expected: > 0)",
                "--drain-seconds|-1|Invalid setting: --drain-seconds: -1.0 (expected: 0 to 3600)",
                "--connection-log-seconds|0|Invalid setting: --connection-log-seconds: 0 (expected: 1 to 86400)",
                "--redis-streams|0|Invalid setting: --redis-streams: 0 (expected: 1 to 64)",
                "--redis-key-prefix|a b|Invalid setting: --redis-key-prefix: 'a b' (expected: 1 to 64 of A-Z a-z 0-9 _ . : -)",
                "--redis|not a uri|Invalid setting: ",
                "--transport|kqueue|Invalid setting: transport: 'kqueue' (expected: auto, io_uring, epoll or nio)"
            })
    void refusesAnInvalidLimitOrTimeoutWithAClearMessage(String flag, String value, String message) throws Exception {
        try (ServerProcess bad = ServerProcess.start(Map.of(), "--port", "0", "--no-demo", flag, value)) {
            assertThat(bad.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(bad.output()).contains(message);
        }
    }

    @Test
    void aRedisThatCannotBeReachedStopsTheStartWithItsAddress() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ServerProcess bad = ServerProcess.start(
                Map.of(), "--port", "0", "--no-demo", "--redis", "redis://127.0.0.1:" + closedPort)) {
            assertThat(bad.awaitExit(EXIT_BOUND)).isEqualTo(1);
            assertThat(bad.output())
                    .contains("cannot start in cluster mode: redis at 127.0.0.1:" + closedPort + ": cannot connect");
        }
    }

    @Test
    void runsOnTheTransportTheEnvironmentNames() throws Exception {
        try (ServerProcess server =
                ServerProcess.start(Map.of("SSEMUX_TRANSPORT", "nio"), "--port", "0", "--no-demo", "--reuse-port")) {
            int port = server.awaitPort();
            try (Socket socket = openStream(port)) {
                assertThat(readUntil(socket.getInputStream(), "event: connected"))
                        .contains("200");
            }
            assertThat(server.output()).contains("(nio transport");
        }
    }

    @Test
    void takesSettingsFromTheEnvironmentAndPortZeroPicksAFreePort() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("SSEMUX_PORT", "0", "SSEMUX_HEARTBEAT_SECONDS", "7"))) {
            int port = server.awaitPort();
            assertThat(port).isPositive().isNotEqualTo(8080);
            try (Socket socket = openStream(port)) {
                assertThat(readUntil(socket.getInputStream(), "\"heartbeatSeconds\":7}"))
                        .contains("event: connected");
            }
            assertThat(server.output()).contains("Not for production");
        }
    }

    @Test
    void servesTheDemoByDefaultWithItsPageAndUploadsInTheDataDirectory(@TempDir Path scratch) throws Exception {
        Path dataDir = scratch.resolve("data");
        try (ServerProcess server = ServerProcess.start(Map.of("SSEMUX_DATA_DIR", dataDir.toString()), "--port", "0")) {
            int port = server.awaitPort();

            HttpResponse<String> page = get(port, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/demo/app.js\">");
            assertThat(get(port, "/demo/app.js").body()).contains("import { getClient } from '/ssemux.js';");
            assertThat(get(port, "/demo/style.css").headers().firstValue("content-type"))
                    .hasValue("text/css; charset=utf-8");
            assertThat(get(port, "/ssemux.js").statusCode()).isEqualTo(200);
            assertThat(dataDir.resolve("projects")).isDirectory();
            assertThat(server.output())
                    .contains("photo-jobs demo at http://127.0.0.1:" + port + "/ (data in " + dataDir + ")");
        }
    }

    @Test
    void turnsTheDemoOffWithNoDemo(@TempDir Path scratch) throws Exception {
        try (ServerProcess server = ServerProcess.start(
                Map.of(),
                "--port",
                "0",
                "--no-demo",
                "--data-dir",
                scratch.resolve("d").toString())) {
            assertDemoOff(server.awaitPort());
            assertThat(scratch.resolve("d")).doesNotExist();
        }
    }

    @Test
    void turnsTheDemoOffWithTheEnvironment(@TempDir Path scratch) throws Exception {
        try (ServerProcess server = ServerProcess.start(
                Map.of(
                        "SSEMUX_DEMO",
                        "false",
                        "SSEMUX_DATA_DIR",
                        scratch.resolve("d").toString()),
                "--port",
                "0")) {
            assertDemoOff(server.awaitPort());
        }
    }

    @Test
    void exitsWithAClearMessageWhenItCannotCreateTheDataDirectory(@TempDir Path scratch) throws Exception {
        Path file = Files.writeString(scratch.resolve("a-file"), "not a directory");
        try (ServerProcess bad = ServerProcess.start(
                Map.of(), "--port", "0", "--data-dir", file.resolve("data").toString())) {
            assertThat(bad.awaitExit(EXIT_BOUND)).isEqualTo(1);
            assertThat(bad.output()).contains("cannot use the data directory " + file.resolve("data"));
        }
    }

    private static void assertDemoOff(int port) throws Exception {
        assertThat(get(port, "/").statusCode()).isEqualTo(404);
        HttpResponse<String> upload = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/projects/p1/photos"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(404);
        assertThat(get(port, "/ssemux.js").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void endsEveryStreamAndExitsOnSigterm() throws Exception {
        try (ServerProcess server = ServerProcess.start(
                Map.of("SSEMUX_CONNECTION_LOG_LEVEL", "DEBUG"), "--port", "0", "--drain-seconds", "0")) {
            int port = server.awaitPort();
            try (Socket socket = openStream(port)) {
                InputStream in = socket.getInputStream();
                readUntil(in, "event: connected");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> server.output().contains("opened"));

                // SIGTERM, through the handle: Process.destroy() would also close our end of its output.
                server.process().toHandle().destroy();

                // The stream ends cleanly: the last chunk, then the end of the connection.
                String rest = readToEnd(in);
                assertThat(rest).endsWith("0\r\n\r\n");
                assertThat(rest).contains("event: draining");
                assertThat(server.awaitExit(EXIT_BOUND)).isEqualTo(143);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(server.output()).contains("shutting down", "reason=DRAINED"));
            }
        }
    }

    @Test
    void drainsOnSigtermOverTheWindowRefusingNewStreamsAndTellingEachToReconnect() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--port", "0", "--no-demo", "--drain-seconds", "3")) {
            int port = server.awaitPort();
            try (Socket first = openStream(port);
                    Socket second = openStream(port)) {
                readUntil(first.getInputStream(), "event: connected");
                readUntil(second.getInputStream(), "event: connected");
                assertThat(HTTP.send(request(port, "/readyz"), HttpResponse.BodyHandlers.ofString())
                                .body())
                        .isEqualTo("{\"status\":\"ready\"}");
                long start = System.nanoTime();

                server.process().toHandle().destroy();

                await().atMost(Duration.ofSeconds(10))
                        .until(() -> HTTP.send(request(port, "/readyz"), HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 503);
                HttpResponse<String> refused = HTTP.send(
                        request(port, "/api/sse/stream?user=bob&channels=jobs"), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(refused.body()).contains("draining for a restart");
                String firstEnd = readToEnd(first.getInputStream());
                String secondEnd = readToEnd(second.getInputStream());
                assertThat(firstEnd + secondEnd)
                        .containsPattern(
                                "retry: \\d+\nevent: draining\ndata: \\{\"reason\":\"shutdown\",\"reconnectAfterMillis\":\\d+\\}");
                assertThat(firstEnd).contains("event: draining");
                assertThat(secondEnd).contains("event: draining");
                assertThat(server.awaitExit(EXIT_BOUND)).isEqualTo(143);
                // Two streams over 3 s: one at once, the other half a window later; then the exit.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
            }
        }
    }

    @Test
    void theConnectionLogSumsUpEachIntervalAndNamesStreamsOnlyAtDebug() throws Exception {
        try (ServerProcess server =
                ServerProcess.start(Map.of(), "--port", "0", "--no-demo", "--connection-log-seconds", "1")) {
            int port = server.awaitPort();
            try (Socket socket = openStream(port)) {
                readUntil(socket.getInputStream(), "event: connected");
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> server.output().contains("closed (client_gone 1)"));
            assertThat(server.output())
                    .containsPattern("streams: [01] open; in the last 1 s 1 opened, [01] closed")
                    .doesNotContain("user=alice");
        }
    }

    @Test
    void logsOneJsonObjectPerLineWithSsemuxLogFormatJson() throws Exception {
        try (ServerProcess server =
                ServerProcess.start(Map.of("SSEMUX_LOG_FORMAT", "json"), "--port", "0", "--no-demo")) {
            server.awaitPort();

            String listening = server.output()
                    .lines()
                    .filter(l -> l.contains("listening on"))
                    .findFirst()
                    .orElseThrow();
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(listening);
            assertThat(json.get("level").asText()).isEqualTo("INFO");
            assertThat(json.get("loggerName").asText()).isEqualTo("io.ssemux.netty.SsemuxServer");
            assertThat(json.get("formattedMessage").asText()).startsWith("ssemux listening on http://127.0.0.1:");
            assertThat(server.output().lines())
                    .allSatisfy(line -> assertThat(line).startsWith("{"));
        }
    }

    private static HttpRequest request(int port, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .build();
    }

    private static Socket openStream(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream()
                .write("GET /api/sse/stream?user=alice&channels=jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(20_000);
        return socket;
    }

    static String readUntil(InputStream in, String marker) throws Exception {
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
