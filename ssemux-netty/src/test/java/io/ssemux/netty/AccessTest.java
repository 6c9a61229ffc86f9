package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.SseMessage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every stream and every publish belongs to someone, and nobody reads what is not theirs. */
class AccessTest {
    private static final Instant EXPIRY = Instant.parse("2026-01-01T01:00:00Z");
    /** Bearer credentials of the test, standing for verified tokens. */
    private static final Map<String, Principal> TOKENS = Map.of(
            "alice", new Principal("alice", new Grants(List.of("jobs"), List.of(), false), EXPIRY),
            "alice-fresh",
                    new Principal("alice", new Grants(List.of("jobs"), List.of(), false), EXPIRY.plusSeconds(3600)),
            "alice-less", new Principal("alice", Grants.none(), EXPIRY.plusSeconds(3600)),
            "bob", new Principal("bob", new Grants(List.of("jobs", "payroll"), List.of(), false), EXPIRY),
            "publisher", Principal.of("billing-service", new Grants(List.of(), List.of("jobs", "user:*"), false)),
            "root", Principal.of("root", new Grants(List.of(), List.of(), true)));

    private static final Authenticator BEARER = request -> {
        String header = request.header("Authorization");
        Principal principal = header == null ? null : TOKENS.get(header.replace("Bearer ", ""));
        if (principal == null) {
            throw SsemuxException.unauthorized("no valid token");
        }
        return principal;
    };

    @RegisterExtension
    final ServerExtension server = new ServerExtension().server(s -> s.authenticator(BEARER));

    private TestStream stream(String token, String query) {
        return TestStream.open(
                server.http(), server.uri("/api/sse/stream" + query), "Authorization", "Bearer " + token);
    }

    private HttpResponse<String> post(String token, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request.build());
    }

    private HttpResponse<String> publish(String token, String channel, String data) {
        return post(
                token,
                "/api/sse/publish",
                "application/json",
                "{\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":" + data + "}");
    }

    private static String error(HttpResponse<String> response) {
        return ServerExtension.json(response.body()).get("message").asText();
    }

    @Test
    void aStreamWithoutChannelsCarriesOnlyWhatItsUserMayReadLiveAndInReplay() {
        String cursor = ServerExtension.json(publish("publisher", "jobs", "0").body())
                .get("id")
                .asText();
        publish("publisher", "user:bob", "\"bob's, replayed\"");
        publish("publisher", "jobs", "1");
        try (TestStream alice = TestStream.open(
                server.http(),
                server.uri("/api/sse/stream"),
                "Authorization",
                "Bearer alice",
                "Last-Event-ID",
                cursor)) {
            alice.connected();
            publish("publisher", "user:bob", "\"bob's\"");
            publish("publisher", "user:alice", "\"alice's\"");
            publish("publisher", "jobs", "2");

            assertThat(alice.next(3)).extracting(SseMessage::data).containsExactly("1", "\"alice's\"", "2");
        }
    }

    @Test
    void aStreamAskingForAnotherUsersChannelIsRefusedNamingIt() {
        try (TestStream alice = stream("alice", "?channels=jobs,user:bob,payroll")) {
            assertThat(alice.status()).isEqualTo(403);
        }
        HttpResponse<String> refused =
                server.send(HttpRequest.newBuilder(server.uri("/api/sse/stream?channels=user:bob"))
                        .header("Authorization", "Bearer alice")
                        .GET()
                        .build());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(error(refused)).isEqualTo("channels [user:bob]: not granted to user 'alice'");
        assertThat(server.hub().stats().connections()).isZero();
    }

    @Test
    void nobodyWithoutACredentialGetsAnything() {
        HttpResponse<String> stream = server.get("/api/sse/stream?user=alice&channels=jobs");
        HttpResponse<String> publish = publish(null, "jobs", "1");

        assertThat(stream.statusCode()).isEqualTo(401);
        assertThat(stream.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ssemux\"");
        assertThat(publish.statusCode()).isEqualTo(401);
        assertThat(server.hub().stats().eventsPublished()).isZero();
    }

    @Test
    void publishingNeedsAPublishGrantOnTheChannel() {
        HttpResponse<String> byReader = publish("alice", "jobs", "1");
        HttpResponse<String> elsewhere = publish("publisher", "payroll", "1");
        HttpResponse<String> granted = publish("publisher", "jobs", "1");

        assertThat(byReader.statusCode()).isEqualTo(403);
        assertThat(error(byReader)).isEqualTo("channel 'jobs': publishing is not granted to user 'alice'");
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(granted.statusCode()).isEqualTo(202);
        assertThat(server.hub().stats().eventsPublished()).isEqualTo(1);
    }

    @Test
    void aCrossSiteSimplePostIsRefusedForItsContentType() {
        HttpResponse<String> plain =
                post("publisher", "/api/sse/publish", "text/plain", "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1}");
        HttpResponse<String> form = post("publisher", "/api/sse/publish", "application/x-www-form-urlencoded", "a=1");

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(error(plain)).isEqualTo("Content-Type 'text/plain' (expected: application/json)");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(server.hub().stats().eventsPublished()).isZero();
    }

    @Test
    void statsAreForAdminsOnly() {
        HttpResponse<String> byUser = server.send(HttpRequest.newBuilder(server.uri("/api/sse/stats"))
                .header("Authorization", "Bearer alice")
                .GET()
                .build());
        HttpResponse<String> byAdmin = server.send(HttpRequest.newBuilder(server.uri("/api/sse/stats"))
                .header("Authorization", "Bearer root")
                .GET()
                .build());

        assertThat(byUser.statusCode()).isEqualTo(403);
        assertThat(byAdmin.statusCode()).isEqualTo(200);
        assertThat(ServerExtension.json(byAdmin.body()).has("eventsPublished")).isTrue();
    }

    @Test
    void onlyTheOwnerChangesAConnectionsSubscriptionsAndOnlyWithinItsGrants() {
        try (TestStream alice = stream("alice", "?channels=jobs")) {
            String id = alice.connected().get("connectionId").asText();

            HttpResponse<String> byBob = post(
                    "bob",
                    "/api/sse/subscriptions",
                    "application/json",
                    "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"payroll\"]}");
            HttpResponse<String> beyondGrants = post(
                    "alice",
                    "/api/sse/subscriptions",
                    "application/json",
                    "{\"connectionId\":\"" + id + "\",\"subscribe\":[\"payroll\"]}");

            assertThat(byBob.statusCode()).isEqualTo(403);
            assertThat(beyondGrants.statusCode()).isEqualTo(403);
            assertThat(error(beyondGrants)).isEqualTo("channels [payroll]: not granted to user 'alice'");
            publish("publisher", "jobs", "1");
            assertThat(alice.next().data()).isEqualTo("1");
        }
    }

    @Test
    void aFreshTokenMovesTheExpiryOfALiveStreamAndItsGrantsApplyAtOnce() {
        try (TestStream alice = stream("alice", "?channels=jobs")) {
            String id = alice.connected().get("connectionId").asText();

            HttpResponse<String> refreshed =
                    post("alice-fresh", "/api/sse/token", "application/json", "{\"connectionId\":\"" + id + "\"}");
            HttpResponse<String> byBob =
                    post("bob", "/api/sse/token", "application/json", "{\"connectionId\":\"" + id + "\"}");
            HttpResponse<String> unknown =
                    post("alice", "/api/sse/token", "application/json", "{\"connectionId\":\"nope\"}");
            HttpResponse<String> less =
                    post("alice-less", "/api/sse/token", "application/json", "{\"connectionId\":\"" + id + "\"}");

            JsonNode answer = ServerExtension.json(refreshed.body());
            assertThat(refreshed.statusCode()).isEqualTo(200);
            assertThat(answer.get("expiresAt").asText()).isEqualTo("2026-01-01T02:00:00Z");
            assertThat(answer.get("channels").toString()).isEqualTo("[\"jobs\"]");
            assertThat(byBob.statusCode()).isEqualTo(403);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(less.statusCode()).isEqualTo(200);
            assertThat(ServerExtension.json(less.body()).get("channels").toString())
                    .isEqualTo("[]");
            SseMessage revoked = alice.next();
            assertThat(revoked.type()).isEqualTo("revoked");
            assertThat(revoked.data()).isEqualTo("{\"channels\":[\"jobs\"]}");
        }
    }
}
