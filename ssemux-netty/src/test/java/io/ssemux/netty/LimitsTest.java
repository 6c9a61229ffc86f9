package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.sse.SseMessage;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LimitsTest {
    @RegisterExtension
    final ServerExtension server =
            new ServerExtension().hub(h -> h.maxConnectionsPerUser(2).maxConnections(4));

    @Test
    void evictsTheOldestStreamOfAUserWithAnEvictedEvent() {
        try (TestStream oldest = server.stream("alice", "jobs");
                TestStream middle = server.stream("alice", "jobs")) {
            String oldestId = oldest.connected().get("connectionId").asText();
            middle.connected();
            try (TestStream newest = server.stream("alice", "jobs")) {
                newest.connected();

                SseMessage evicted = oldest.next();
                assertThat(evicted.type()).isEqualTo("evicted");
                assertThat(evicted.data()).isEqualTo("{\"reason\":\"too_many_connections\",\"limit\":2}");
                assertThat(oldest.awaitEnd()).isTrue();

                server.publish("jobs", "t", "1");
                assertThat(middle.next().data()).isEqualTo("1");
                assertThat(newest.next().data()).isEqualTo("1");
                assertThat(ServerExtension.json(
                                        server.get("/api/sse/stats?user=alice").body())
                                .get("connectionsPerUser")
                                .get("alice")
                                .asInt())
                        .isEqualTo(2);
                assertThat(server.stats().get("connectionsEvicted").asInt()).isEqualTo(1);
                assertThat(server.hub().connectionsOf("alice")).isEqualTo(2);
                assertThat(oldestId).isNotBlank();
            }
        }
    }

    @Test
    void answers503WithRetryAfterBeyondTheGlobalCap() {
        try (TestStream a = server.stream("a", "jobs");
                TestStream b = server.stream("b", "jobs");
                TestStream c = server.stream("c", "jobs");
                TestStream d = server.stream("d", "jobs")) {
            for (TestStream s : new TestStream[] {a, b, c, d}) {
                s.connected();
            }
            HttpResponse<String> refused = server.get("/api/sse/stream?user=e&channels=jobs");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("3");
            assertThat(ServerExtension.json(refused.body()).get("error").asText())
                    .isEqualTo("unavailable");
            assertThat(server.stats().get("connections").asInt()).isEqualTo(4);
        }
    }

    @Test
    void filtersConnectionsPerUserInStats() {
        try (TestStream a = server.stream("a", "jobs");
                TestStream b = server.stream("b", "jobs")) {
            a.connected();
            b.connected();
            assertThat(server.stats().get("users").asInt()).isEqualTo(2);
            assertThat(server.stats().has("connectionsPerUser")).isFalse();
            assertThat(ServerExtension.json(server.get("/api/sse/stats?user=a").body())
                            .get("connectionsPerUser")
                            .toString())
                    .isEqualTo("{\"a\":1}");
        }
    }
}
