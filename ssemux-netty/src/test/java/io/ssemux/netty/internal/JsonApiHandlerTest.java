package io.ssemux.netty.internal;

import static io.ssemux.netty.internal.RequestRouterTest.body;
import static io.ssemux.netty.internal.RequestRouterTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.testing.ManualScheduler;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonApiHandlerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Hub hub =
            Hub.builder().scheduler(scheduler).clock(scheduler.clock()).build();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new RequestRouter(new Routes(Map.of(), 1024), Authenticator.development(), false),
            new JsonApiHandler(hub, true));

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void publishAnswers202WithTheEventIdAndHowManyGotIt() {
        channel.writeInbound(request(
                HttpMethod.POST,
                "/api/sse/publish?user=a",
                "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":1}}"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(202);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(body(response)).matches("\\{\"id\":\"[0-9]+\",\"delivered\":0}");
            assertThat(hub.stats().eventsPublished()).isEqualTo(1);
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusedPublishAnswers400WithAJsonErrorAndPublishesNothing() {
        channel.writeInbound(
                request(HttpMethod.POST, "/api/sse/publish?user=a", "{\"channel\":\"jobs\",\"type\":\"t\"}"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(body(response))
                    .isEqualTo(
                            "{\"status\":400,\"error\":\"bad_request\",\"message\":\"data: missing (expected: any JSON value)\"}");
            assertThat(hub.stats().eventsPublished()).isZero();
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void healthzAnswersOk() {
        channel.writeInbound(request(HttpMethod.GET, "/healthz"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(200);
            assertThat(body(response)).isEqualTo("{\"status\":\"ok\"}");
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void statsListsTheCountersInTheirDocumentedOrder() {
        channel.writeInbound(request(HttpMethod.GET, "/api/sse/stats?user=nobody"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(body(response))
                    .startsWith("{\"connections\":0,\"users\":0,\"connectionsPerUser\":{\"nobody\":0},"
                            + "\"subscribersPerChannel\":{},\"eventsPublished\":0,\"eventsDelivered\":0,\"eventsDropped\":0,"
                            + "\"connectionsOpened\":0,\"connectionsClosed\":0,\"connectionsEvicted\":0,\"slowConsumerDisconnects\":0,"
                            + "\"history\":{\"events\":0,\"bytes\":0,")
                    .contains(",\"heapUsedBytes\":");
        } finally {
            response.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
