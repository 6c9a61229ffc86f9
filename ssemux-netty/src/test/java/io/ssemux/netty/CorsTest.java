package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CorsTest {
    private static final String APP = "http://localhost:5173";

    @RegisterExtension
    final ServerExtension server = new ServerExtension().server(s -> s.allowedOrigins(List.of(APP)));

    @Test
    void answersAPreflightFromAnAllowedOrigin() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/sse/subscriptions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(response.headers().firstValue("access-control-allow-methods").orElse(""))
                .contains("POST");
        assertThat(response.headers().firstValue("access-control-allow-credentials"))
                .hasValue("true");
    }

    @Test
    void marksResponsesAndStreamsForAnAllowedOrigin() {
        HttpResponse<String> publish = server.send(HttpRequest.newBuilder(server.uri("/api/sse/publish"))
                .header("Origin", APP)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1}"))
                .build());
        assertThat(publish.statusCode()).isEqualTo(202);
        assertThat(publish.headers().firstValue("access-control-allow-origin")).hasValue(APP);

        try (TestStream stream =
                TestStream.open(server.http(), server.uri("/api/sse/stream?user=a&channels=jobs"), "Origin", APP)) {
            assertThat(stream.header("access-control-allow-origin")).isEqualTo(APP);
            stream.connected();
            server.publish("jobs", "t", "2");
            assertThat(stream.next().data()).isEqualTo("2");
        }
    }

    @Test
    void givesAnotherOriginNoPermissionToRead() {
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/api/sse/subscriptions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .build());
        HttpResponse<String> stats = server.send(HttpRequest.newBuilder(server.uri("/api/sse/stats"))
                .header("Origin", "http://evil.example")
                .build());

        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .isEmpty();
        assertThat(preflight.headers().firstValue("access-control-allow-methods"))
                .isEmpty();
        assertThat(stats.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void sendsNoCorsHeadersWhenNoOriginIsAllowed() {
        server.stop();
        ServerExtension plain = new ServerExtension();
        plain.start();
        try {
            HttpResponse<String> stats = plain.send(HttpRequest.newBuilder(plain.uri("/api/sse/stats"))
                    .header("Origin", APP)
                    .build());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.headers().firstValue("access-control-allow-origin"))
                    .isEmpty();
        } finally {
            plain.stop();
        }
    }

    @Test
    void refusesAMalformedOriginSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SsemuxServer.builder(server.hub()).allowedOrigins(List.of("localhost:5173")))
                .hasMessageContaining("expected: scheme://host[:port], or *");
    }
}
