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
    void refusesOtherMethodsNamingBoth() {
        HttpResponse<String> delete = server.send(
                HttpRequest.newBuilder(server.uri("/healthz")).DELETE().build());

        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(ServerExtension.json(delete.body()).get("message").asText())
                .isEqualTo("DELETE /healthz: not allowed (expected: GET, HEAD)");
    }
}
