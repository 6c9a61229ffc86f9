package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.HubTop;
import io.ssemux.core.sse.SseMessage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SubscriptionsEndpointTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    @Test
    void changesTheChannelsOfALiveStreamWithoutReconnecting() {
        try (TestStream stream = server.stream("alice", "jobs")) {
            String id = stream.connected().get("connectionId").asText();

            HttpResponse<String> response = server.post(
                    "/api/sse/subscriptions?user=alice",
                    "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"pending-changes\"],\"unsubscribe\":[\"jobs\"]}");
            server.publish("jobs", "job_completed", "{}");
            server.publish("pending-changes", "manifest_changed", "{}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(ServerExtension.json(response.body()).get("channels").toString())
                    .isEqualTo("[\"pending-changes\"]");
            assertThat(stream.next().type()).isEqualTo("manifest_changed");
            assertThat(server.stats().get("connectionsOpened").asInt()).isEqualTo(1);
        }
    }

    @Test
    void addsChannelsToALiveStreamForTheUserOfTheXUserIdHeader() {
        try (TestStream stream = server.stream("alice", "jobs")) {
            String id = stream.connected().get("connectionId").asText();
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/api/sse/subscriptions"))
                    .header("X-User-Id", "alice")
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"b\"]}"))
                    .build());
            server.publish("b", "t", "1");
            server.publish("jobs", "t", "2");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(stream.next(2)).extracting(SseMessage::data).containsExactly("1", "2");
        }
    }

    @Test
    void treatsARequestWithoutUserAsTheClientAddressAndRefusesIt() {
        try (TestStream stream = server.stream("alice", "jobs")) {
            String id = stream.connected().get("connectionId").asText();
            HttpResponse<String> response =
                    server.post("/api/sse/subscriptions", "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"b\"]}");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(server.hub().subscribersOf("b")).isZero();
        }
    }

    @Test
    void refusesAnotherUsersConnectionWith403() {
        try (TestStream stream = server.stream("alice", "jobs")) {
            String id = stream.connected().get("connectionId").asText();
            HttpResponse<String> response = server.post(
                    "/api/sse/subscriptions?user=mallory",
                    "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"secrets\"]}");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(ServerExtension.json(response.body()).get("error").asText())
                    .isEqualTo("forbidden");
            assertThat(server.hub().top(100).channels())
                    .extracting(HubTop.Entry::name)
                    .containsOnly("jobs");
        }
    }

    @Test
    void refusesAnUnknownConnectionWith404() {
        HttpResponse<String> response = server.post(
                "/api/sse/subscriptions?user=alice", "{\"connectionId\":\"nope\",\"subscribe\":[\"jobs\"]}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("not open");
    }

    @Test
    void refusesMalformedChangesWith400AndChangesNothing() {
        try (TestStream stream = server.stream("alice", "jobs")) {
            String id = stream.connected().get("connectionId").asText();
            String[][] cases = {
                {"{\"connectionId\":\"" + id + "\"}", "both missing"},
                {"{\"subscribe\":[\"x\"]}", "connectionId: missing"},
                {"{\"connectionId\":\"" + id + "\",\"subscribe\":\"x\"}", "expected: an array"},
                {"{\"connectionId\":\"" + id + "\",\"subscribe\":[1]}", "channel names as strings"},
                {"{\"connectionId\":\"" + id + "\",\"subscribe\":[\"ok\",\"bad\\nname\"]}", "invalid name"},
            };
            for (String[] c : cases) {
                HttpResponse<String> response = server.post("/api/sse/subscriptions?user=alice", c[0]);
                assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
                assertThat(response.body()).as(c[0]).contains(c[1]);
            }
            assertThat(server.hub().top(100).channels())
                    .extracting(HubTop.Entry::name)
                    .containsOnly("jobs");
        }
    }
}
