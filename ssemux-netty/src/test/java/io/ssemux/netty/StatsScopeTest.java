package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/sse/stats?scope=}: node (the default) or cluster; anything else is a 400. */
class StatsScopeTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    @Test
    void onASingleNodeTheClusterIsThatNodeCalledLocal() {
        HttpResponse<String> cluster = server.get("/api/sse/stats?scope=cluster");

        assertThat(cluster.statusCode()).isEqualTo(200);
        JsonNode body = ServerExtension.json(cluster.body());
        assertThat(body.get("scope").asText()).isEqualTo("cluster");
        assertThat(body.get("nodes").has("local")).isTrue();
        assertThat(body.get("total").get("connections").asLong()).isZero();
    }

    @Test
    void anUnknownScopeIsA400NamingTheChoices() {
        HttpResponse<String> bad = server.get("/api/sse/stats?scope=galaxy");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(ServerExtension.json(bad.body()).get("message").asText())
                .isEqualTo("scope: 'galaxy' (expected: node, the default, or cluster)");
    }
}
