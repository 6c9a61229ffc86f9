package io.ssemux.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.RouteResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestRouterTest {
    private final Routes routes =
            new Routes(Map.of("/app/*", new Routes.Route(request -> RouteResponse.json(200, "{}"), 1024)), 1024);
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new RequestRouter(routes, Authenticator.development(), false));

    @Test
    void answersAWrongMethodWith405NamingTheAllowedOne() {
        channel.writeInbound(request(HttpMethod.POST, "/api/sse/stream?user=a"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(405);
            assertThat(response.headers().get("Allow")).isEqualTo("GET");
            assertThat(body(response))
                    .isEqualTo(
                            "{\"status\":405,\"error\":\"method_not_allowed\",\"message\":\"POST /api/sse/stream: not allowed (expected: GET)\"}");
        } finally {
            response.release();
        }
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusesATextRequestLineThatClaimsHttp2() {
        channel.writeInbound(new DefaultFullHttpRequest(
                HttpVersion.valueOf("HTTP/2.0"), HttpMethod.GET, "/api/sse/stream?user=a", Unpooled.EMPTY_BUFFER));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
            assertThat(body(response)).contains("version 'HTTP/2.0': not spoken in a text request line");
        } finally {
            response.release();
        }
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void answersAnUnknownPathWith404Json() {
        channel.writeInbound(request(HttpMethod.GET, "/nowhere?x=1"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(404);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(body(response))
                    .isEqualTo(
                            "{\"status\":404,\"error\":\"not_found\",\"message\":\"path '/nowhere': no such endpoint\"}");
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/sse/stream?channels=%zz",
                "/api/sse/stats?user=%",
                "/healthz?x=%e",
                "/api/sse/publish?a%zz=1",
                "/app/x?q=%G1"
            })
    void answersAMalformedQueryWith400OnEveryEndpoint(String uri) {
        HttpMethod method = uri.startsWith("/api/sse/publish") ? HttpMethod.POST : HttpMethod.GET;
        channel.writeInbound(request(method, uri));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(body(response))
                    .contains("query: malformed percent-encoding (expected: %XX with two hex digits)");
        } finally {
            response.release();
        }
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void answersAMalformedPercentEncodingWith400() {
        channel.writeInbound(request(HttpMethod.GET, "/x%zz"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(body(response)).contains("\"error\":\"bad_request\"", "malformed percent-encoding");
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void passesOnOwnAndApplicationRequestsTaggedWithTheirEndpoint() {
        channel.writeInbound(request(HttpMethod.POST, "/api/sse/publish"), request(HttpMethod.DELETE, "/app/x"));

        NettyRequest publish = channel.readInbound();
        NettyRequest application = channel.readInbound();
        try {
            assertThat(publish.endpoint()).isEqualTo(Endpoint.PUBLISH);
            assertThat(publish.route()).isNull();
            assertThat(application.endpoint()).isEqualTo(Endpoint.APPLICATION);
            assertThat(application.route()).isSameAs(routes.find("/app/x"));
            assertThat(channel.<Object>readOutbound()).isNull();
        } finally {
            publish.release();
            application.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    static DefaultFullHttpRequest request(HttpMethod method, String uri) {
        return request(method, uri, "");
    }

    /** A request with {@code body} as JSON (when not empty). */
    static DefaultFullHttpRequest request(HttpMethod method, String uri, String body) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, method, uri, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (!body.isEmpty()) {
            request.headers().set("Content-Type", "application/json");
        }
        return request;
    }

    static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }
}
