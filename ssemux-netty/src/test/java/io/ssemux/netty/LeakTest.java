package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
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
            String channels = i % 3 == 0 ? "all" : "jobs,c" + (i % 50);
            try (Socket socket =
                    RawStream.open(server.port(), "/api/sse/stream?user=u" + (i % 20) + "&channels=" + channels)) {
                RawStream.readUntil(socket.getInputStream(), "event: connected");
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
            assertThat(stats.get("channels").asInt()).isZero();
            assertThat(server.hub().top(100).users()).isEmpty();
            assertThat(server.hub().top(100).channels()).isEmpty();
            assertThat(stats.get("connectionsOpened").asInt()).isEqualTo(CYCLES);
            assertThat(stats.get("connectionsClosed").asInt()).isEqualTo(CYCLES);
        });
    }
}
