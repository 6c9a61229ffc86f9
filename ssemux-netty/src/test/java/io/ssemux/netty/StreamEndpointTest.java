package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.sse.SseMessage;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamEndpointTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension().hub(h -> h.heartbeat(Duration.ofMillis(200)));

    @Test
    void answersWithEventStreamHeadersAndOpensWithConnected() {
        try (TestStream stream = server.stream("alice", "jobs,pending-changes")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(stream.header("cache-control")).isEqualTo("no-cache");
            assertThat(stream.header("x-accel-buffering")).isEqualTo("no");

            JsonNode connected = stream.connected();
            assertThat(connected.get("connectionId").asText()).hasSizeGreaterThan(15);
            assertThat(connected.get("channels")).hasSize(2);
            assertThat(connected.get("channels").get(0).asText()).isEqualTo("jobs");
            assertThat(connected.get("heartbeatSeconds").asDouble()).isEqualTo(0.2);
        }
    }

    @Test
    void sendsExactlyTheBytesOfDocsProtocolOnTheWire() throws Exception {
        try (Socket socket = RawStream.open(server.port(), "/api/sse/stream?channels=jobs&user=bob")) {
            InputStream in = socket.getInputStream();
            String head = RawStream.readUntil(in, "event: connected\ndata: ");
            assertThat(head)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("transfer-encoding: chunked\r\n")
                    .containsPattern("\r\n\r\n[0-9a-f]+\r\nretry: 3000\nevent: connected\ndata: $");
            RawStream.readUntil(in, "}\n\n\r\n");
            String id = server.publish("jobs", "job_completed", "{\"id\":42}")
                    .get("id")
                    .asText();

            String expected = "id: " + id + "\nevent: job_completed\ndata: {\"id\":42}\n\n";
            String chunk = RawStream.readUntil(in, expected + "\r\n");
            assertThat(chunk).endsWith(Integer.toHexString(expected.length()) + "\r\n" + expected + "\r\n");
        }
    }

    @Test
    void routesEachChannelOnlyToItsSubscribers() {
        try (TestStream jobs = server.stream("a", "jobs");
                TestStream pending = server.stream("b", "pending-changes");
                TestStream all = server.stream("c", null)) {
            jobs.connected();
            pending.connected();
            assertThat(all.connected().get("channels").get(0).asText()).isEqualTo("all");

            server.publish("jobs", "job_completed", "{\"id\":1}");
            server.publish("pending-changes", "manifest_changed", "{\"project_folder\":\"p\"}");
            server.publish("jobs", "job_started", "{\"id\":2}");

            assertThat(jobs.next(2)).extracting(SseMessage::type).containsExactly("job_completed", "job_started");
            assertThat(pending.next()).satisfies(m -> {
                assertThat(m.type()).isEqualTo("manifest_changed");
                assertThat(m.data()).isEqualTo("{\"project_folder\":\"p\"}");
            });
            assertThat(all.next(3))
                    .extracting(SseMessage::type)
                    .containsExactly("job_completed", "manifest_changed", "job_started");
            assertThat(jobs.pending()).isEmpty();
            assertThat(pending.pending()).isEmpty();
        }
    }

    @Test
    void wrapsDataWithItsChannelInEnvelopeFormat() {
        try (TestStream stream = server.stream("a", "jobs,pending-changes", "format=envelope")) {
            stream.connected();
            server.publish("pending-changes", "changed", "{\"x\":[1,2]}");

            SseMessage message = stream.next();
            assertThat(message.type()).isEqualTo("message");
            assertThat(message.data())
                    .isEqualTo("{\"channel\":\"pending-changes\",\"type\":\"changed\",\"data\":{\"x\":[1,2]}}");
        }
    }

    @Test
    void writesHeartbeatsAtTheConfiguredInterval() {
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();

            server.scheduler().advance(Duration.ofMillis(199));
            server.publish("jobs", "t", "1");
            assertThat(stream.next().data()).isEqualTo("1"); // written after anything due before it
            assertThat(stream.comments()).isEmpty();

            server.scheduler().advance(Duration.ofMillis(1));
            server.scheduler().advance(Duration.ofMillis(200));
            server.scheduler().advance(Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments().size() >= 3);
            assertThat(stream.comments()).hasSize(3).allMatch(c -> c.contains("heartbeat"));
        }
    }

    @Test
    void opensAStreamWithNoChannelsForAnEmptyChannelsParameter() {
        try (TestStream stream = server.stream("a", "")) {
            assertThat(stream.connected().get("channels")).isEmpty();
            assertThat(server.publish("jobs", "t", "1").get("delivered").asInt())
                    .isZero();
        }
    }

    @Test
    void refusesInvalidChannelsWithAJsonError() {
        HttpResponse<String> response = server.get("/api/sse/stream?user=a&channels=jobs,bad%0Aname");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        JsonNode error = ServerExtension.json(response.body());
        assertThat(error.get("error").asText()).isEqualTo("bad_request");
        assertThat(error.get("message").asText()).contains("invalid name");
        assertThat(server.stats().get("connections").asInt()).isZero();
    }

    @Test
    void refusesMoreChannelsThanTheLimit() {
        String channels = String.join(
                ",",
                java.util.stream.IntStream.range(0, 65).mapToObj(i -> "c" + i).toList());
        HttpResponse<String> response = server.get("/api/sse/stream?user=a&channels=" + channels);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("65 channels (expected: at most 64)");
    }

    @Test
    void refusesAnUnknownFormat() {
        HttpResponse<String> response = server.get("/api/sse/stream?user=a&format=xml");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("expected: plain or envelope");
    }
}
