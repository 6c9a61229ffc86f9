package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventSizeTest {
    @RegisterExtension
    final ServerExtension server =
            new ServerExtension().hub(h -> h.maxEventBytes(1024)).server(s -> s.maxBodyBytes(64 * 1024));

    @Test
    void anEventOverTheLimitIs413WithTheSizesAndNothingIsPublished() {
        String data = "\"" + "x".repeat(2_000) + "\"";
        HttpResponse<String> answer =
                server.post("/api/sse/publish?user=p", "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":" + data + "}");

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(ServerExtension.json(answer.body()).get("message").asText())
                .isEqualTo("data: 2002 bytes (expected: at most 1024, the largest event)");
        assertThat(server.hub().stats().eventsPublished()).isZero();
    }
}
