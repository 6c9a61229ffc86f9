package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> send(String method, String path) throws Exception {
        try (Hub hub = Hub.builder().build()) {
            SsemuxServer.Builder builder = SsemuxServer.builder(hub).port(0);
            StaticFiles.register(builder);
            StaticFiles.registerDemoPage(builder);
            try (SsemuxServer server = builder.build().start()) {
                return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
        }
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutTheBody() throws Exception {
        HttpResponse<String> get = send("GET", "/ssemux.js");
        HttpResponse<String> head = send("HEAD", "/ssemux.js");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(get.body()).isNotEmpty();
        assertThat(head.headers().firstValue("content-length"))
                .isEqualTo(get.headers().firstValue("content-length"));
        assertThat(head.headers().firstValue("content-type"))
                .isEqualTo(get.headers().firstValue("content-type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELETE", "TRACE", "PUT", "POST"})
    void anyOtherMethodIs405(String method) throws Exception {
        HttpResponse<String> answer = send(method, "/");

        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(answer.body()).contains(method + " /: not allowed (expected: GET or HEAD)");
    }
}
