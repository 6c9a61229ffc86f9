package io.ssemux.netty.internal;

import static io.ssemux.netty.internal.RequestRouterTest.body;
import static io.ssemux.netty.internal.RequestRouterTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.SseSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonApiHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
        assertThat(get("/api/sse/stats?user=nobody"))
                .startsWith("{\"connections\":0,\"users\":0,\"channels\":0,\"eventsPublished\":0,\"eventsDelivered\":0,"
                        + "\"eventsDropped\":0,\"connectionsOpened\":0,\"connectionsClosed\":0,\"connectionsEvicted\":0,"
                        + "\"slowConsumerDisconnects\":0,\"bytesWritten\":0,\"history\":{\"events\":0,\"bytes\":0,")
                .contains(",\"heapUsedBytes\":")
                .endsWith(",\"connectionsPerUser\":{\"nobody\":0}}");
    }

    @Test
    void statsSummaryCountsWithoutListingUsersOrChannels() {
        connect("alice", "jobs", "chat");
        connect("alice", "jobs");
        connect("bob", "all");
        hub.publish("jobs", "t", "{}");

        JsonNode stats = json(get("/api/sse/stats"));

        assertThat(stats.get("connections").asInt()).isEqualTo(3);
        assertThat(stats.get("users").asInt()).isEqualTo(2);
        assertThat(stats.get("channels").asInt()).isEqualTo(3);
        assertThat(stats.get("eventsPublished").asInt()).isEqualTo(1);
        assertThat(stats.get("eventsDelivered").asInt()).isEqualTo(3);
        assertThat(stats.get("connectionsOpened").asInt()).isEqualTo(3);
        assertThat(stats.get("history").get("events").asInt()).isEqualTo(1);
        assertThat(stats.has("connectionsPerUser")).isFalse();
        assertThat(stats.has("subscribersPerChannel")).isFalse();
        assertThat(stats.has("topChannels")).isFalse();
    }

    @Test
    void statsCountTheUsersAndChannelsAskedFor() {
        connect("alice", "jobs");
        connect("alice", "jobs");
        connect("bob", "chat");

        JsonNode stats = json(get("/api/sse/stats?user=alice&user=carol&channel=jobs&channel=all"));

        assertThat(stats.get("connectionsPerUser").toString()).isEqualTo("{\"alice\":2,\"carol\":0}");
        assertThat(stats.get("subscribersPerChannel").toString()).isEqualTo("{\"jobs\":2,\"all\":0}");
    }

    @Test
    void statsTopListsTheLargestFirst() {
        connect("carol", "b");
        connect("carol", "b", "c");
        connect("alice", "a", "b");

        JsonNode stats = json(get("/api/sse/stats?top=2"));

        assertThat(stats.get("topChannels").toString())
                .isEqualTo("[{\"channel\":\"b\",\"subscribers\":3},{\"channel\":\"a\",\"subscribers\":1}]");
        assertThat(stats.get("topUsers").toString())
                .isEqualTo("[{\"user\":\"carol\",\"connections\":2},{\"user\":\"alice\",\"connections\":1}]");
    }

    @Test
    void statsTopIsCappedAtOneHundred() {
        for (int i = 0; i < 150; i++) {
            connect("u" + i, "c" + i);
        }

        for (String top : new String[] {"101", "1000", "99999999999999999999"}) {
            JsonNode stats = json(get("/api/sse/stats?top=" + top));
            assertThat(stats.get("topChannels").size()).as(top).isEqualTo(io.ssemux.http.HttpApi.MAX_TOP);
            assertThat(stats.get("topUsers").size()).as(top).isEqualTo(io.ssemux.http.HttpApi.MAX_TOP);
        }
        assertThat(json(get("/api/sse/stats?top=100")).get("topUsers").size()).isEqualTo(100);
    }

    @Test
    void statsRefuseBadDetailsWith400() {
        String[][] cases = {
            {"?top=0", "top: '0' (expected: an integer from 1 to 100; more means 100)"},
            {"?top=-1", "top: '-1' (expected: an integer from 1 to 100; more means 100)"},
            {"?top=ten", "top: 'ten' (expected: an integer from 1 to 100; more means 100)"},
            {"?top=1.5", "top: '1.5' (expected: an integer from 1 to 100; more means 100)"},
            {"?top=", "top: '' (expected: an integer from 1 to 100; more means 100)"},
            {"?user=", "user: empty (expected: a user name)"},
            {"?channel=a%20b", "channel: 'a b' (expected: [A-Za-z0-9_.:-]{1,128})"},
        };
        for (String[] c : cases) {
            channel.writeInbound(request(HttpMethod.GET, "/api/sse/stats" + c[0]));
            FullHttpResponse response = channel.readOutbound();
            try {
                assertThat(response.status().code()).as(c[0]).isEqualTo(400);
                assertThat(response.headers().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
                JsonNode error = json(body(response));
                assertThat(error.get("error").asText()).as(c[0]).isEqualTo("bad_request");
                assertThat(error.get("message").asText()).as(c[0]).isEqualTo(c[1]);
            } finally {
                response.release();
            }
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private String get(String uri) {
        channel.writeInbound(request(HttpMethod.GET, uri));
        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).as(uri).isEqualTo(200);
            return body(response);
        } finally {
            response.release();
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(text, e);
        }
    }

    private void connect(String user, String... channels) {
        hub.connect(
                new ConnectRequest(
                        Principal.of(user, Grants.all()), List.of(channels), Format.PLAIN, null, "127.0.0.1"),
                new NullSink());
    }

    /** Drops what it is sent; runs on the caller's thread. */
    private static final class NullSink implements SseSink {
        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void send(Frame frame) {}

        @Override
        public void flush() {}

        @Override
        public void close(Frame farewell) {}
    }
}
