package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams that come and go, politely or not, leave nothing behind. */
class LeakTest {
    private static final int CYCLES = 2_000;

    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    @Test
    void twoThousandConnectDisconnectCyclesLeaveNoConnectionInAnyIndex() throws Exception {
        for (int i = 0; i < CYCLES; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                String channels = i % 3 == 0 ? "all" : "jobs,c" + (i % 50);
                socket.getOutputStream().write(("GET /api/sse/stream?user=u" + (i % 20) + "&channels=" + channels
                        + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                readUntil(socket.getInputStream(), "event: connected");
                if (i % 2 == 0) {
                    socket.setSoLinger(true, 0); // abrupt: the close sends a RST
                }
            }
            if (i % 100 == 0) {
                server.publish("jobs", "t", "{}"); // writes to sockets that may be half gone
            }
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stats = server.stats();
            assertThat(stats.get("connections").asInt()).isZero();
            assertThat(stats.get("users").asInt()).isZero();
            assertThat(stats.get("connectionsPerUser").size()).isZero();
            assertThat(stats.get("subscribersPerChannel").size()).isZero();
            assertThat(stats.get("connectionsOpened").asInt()).isEqualTo(CYCLES);
            assertThat(stats.get("connectionsClosed").asInt()).isEqualTo(CYCLES);
        });
    }

    private static void readUntil(InputStream in, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + sb);
            }
            sb.append((char) b);
        }
    }
}
