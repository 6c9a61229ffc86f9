package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HealthCheckTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    @Test
    void answersHeadAsALoadBalancerAsksWithoutABody() {
        HttpResponse<String> head = server.send(HttpRequest.newBuilder(server.uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).hasValue("15");
    }

    @Test
    void readyzSaysReadyThenDrainingOnceTheHubDrains() {
        HttpResponse<String> ready =
                server.send(HttpRequest.newBuilder(server.uri("/readyz")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");

        server.hub().drain(java.time.Duration.ofSeconds(30));

        HttpResponse<String> draining =
                server.send(HttpRequest.newBuilder(server.uri("/readyz")).build());
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).isEqualTo("{\"status\":\"draining\"}");
        HttpResponse<String> stream = server.send(
                HttpRequest.newBuilder(server.uri("/api/sse/stream?user=a")).build());
        assertThat(stream.statusCode()).isEqualTo(503);
        assertThat(stream.headers().firstValue("retry-after")).isPresent();
        HttpResponse<String> health =
                server.send(HttpRequest.newBuilder(server.uri("/healthz")).build());
        assertThat(health.statusCode()).isEqualTo(200); // alive all the same
    }

    @Test
    void readyzAnswersHead() {
        HttpResponse<String> head = server.send(HttpRequest.newBuilder(server.uri("/readyz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void readyzRefusesOtherMethodsToo() {
        HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/readyz"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void refusesOtherMethodsNamingBoth() {
        HttpResponse<String> delete = server.send(
                HttpRequest.newBuilder(server.uri("/healthz")).DELETE().build());

        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(ServerExtension.json(delete.body()).get("message").asText())
                .isEqualTo("DELETE /healthz: not allowed (expected: GET, HEAD)");
    }
}
