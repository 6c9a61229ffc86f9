package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.core.Hub;
import io.ssemux.core.HubStats;
import io.ssemux.core.sse.SseMessage;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlowConsumerTest {
    private static final int READERS = 50;
    private static final int OUTBOUND_LIMIT = 64 * 1024;
    private static final int HISTORY = 200;

    @RegisterExtension
    final ServerExtension server = new ServerExtension()
            .hub(h -> h.history(HISTORY, Duration.ofMinutes(5)))
            .server(s -> s.outboundLimitBytes(OUTBOUND_LIMIT));

    @Test
    void aClientThatStopsReadingIsCutWhileFiftyReadersGetEveryEvent() throws Exception {
        List<TestStream> readers = new ArrayList<>();
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalled.getOutputStream()
                    .write("GET /api/sse/stream?user=stalled&channels=jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < READERS; i++) {
                TestStream reader = server.stream("reader" + i, "jobs");
                reader.connected();
                readers.add(reader);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.hub().stats().connections() == READERS + 1);

            Hub hub = server.hub();
            String payload = "\"" + "x".repeat(4096) + "\"";
            int published = 0;
            while (hub.stats().slowConsumerDisconnects() == 0 && published < 5_000) {
                hub.publish("jobs", "chunk", payload);
                published++;
                if (published % 20 == 0) {
                    receiveAll(readers, 20); // the readers keep up between bursts, as live readers do
                }
            }
            int tail = published % 20 + 10;
            for (int i = 0; i < 10; i++) {
                hub.publish("jobs", "chunk", payload);
                published++;
            }
            receiveAll(readers, tail);

            HubStats stats = hub.stats();
            assertThat(published).isLessThan(5_000);
            assertThat(stats.slowConsumerDisconnects()).isEqualTo(1);
            assertThat(stats.connections()).isEqualTo(READERS);
            assertThat(hub.connectionsOf("stalled")).isZero();
            assertThat(stats.eventsDelivered()).isGreaterThanOrEqualTo((long) READERS * published);
            // What the server keeps is bounded: the history by its count, each stream by the outbound limit.
            assertThat(stats.history().events()).isEqualTo(Math.min(HISTORY, published));
            assertThat(stats.history().bytes()).isLessThan(HISTORY * (3L * payload.length() + 1024));
        } finally {
            readers.forEach(TestStream::close);
        }
    }

    /** Takes the next {@code n} events of every reader: each must be a chunk, none may be missing. */
    private static void receiveAll(List<TestStream> readers, int n) {
        for (TestStream reader : readers) {
            assertThat(reader.next(n)).extracting(SseMessage::type).containsOnly("chunk");
        }
    }
}
