package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ssemux.core.Hub;
import io.ssemux.core.sse.SseMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FlushWindowTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension().server(s -> s.flushWindow(Duration.ofMillis(50)));

    @Test
    void eventsPublishedWithinAWindowArriveTogetherInOrder() {
        try (TestStream first = server.stream("a", "jobs");
                TestStream second = server.stream("b", "jobs")) {
            first.connected();
            second.connected();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(server.publish("jobs", "tick", "{\"n\":" + i + "}")
                        .get("id")
                        .asText());
            }

            assertThat(first.next(20)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
            assertThat(second.next(20))
                    .extracting(SseMessage::data)
                    .startsWith("{\"n\":0}")
                    .endsWith("{\"n\":19}");
            // Each I/O thread counts its deliveries after it flushed them: the count may trail the bytes.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(server.hub().stats().eventsDelivered()).isEqualTo(40));
        }
    }

    @Test
    void rejectsAWindowOutOfRange() {
        try (Hub hub = Hub.builder().build()) {
            assertThatThrownBy(() -> SsemuxServer.builder(hub).flushWindow(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("flushWindow: PT2S (expected: 0 to 1 s)");
            assertThatThrownBy(() -> SsemuxServer.builder(hub).flushWindow(Duration.ofMillis(-1)))
                    .hasMessage("flushWindow: PT-0.001S (expected: 0 to 1 s)");
        }
    }
}
