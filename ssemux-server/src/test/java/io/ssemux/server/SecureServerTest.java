package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as an operator runs it with JWT and API keys: one process for the class. */
class SecureServerTest {
    private static final Duration EXIT_BOUND = Duration.ofSeconds(15);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String API_KEY = "k3y-for-the-billing-service-0123456789";

    @TempDir
    static Path dir;

    private static byte[] secret;
    private static ServerProcess server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String encoded = Base64.getEncoder().encodeToString(random);
        secret = encoded.getBytes(StandardCharsets.UTF_8);
        Path secretFile = Files.writeString(dir.resolve("jwt.secret"), encoded + "\n");
        Path keys = Files.writeString(dir.resolve("api-keys"), "# publishers\n" + API_KEY + " jobs,user:*\n");
        server = ServerProcess.start(
                Map.of(),
                "--port",
                "0",
                "--no-demo",
                "--jwt-secret-file",
                secretFile.toString(),
                "--api-key-file",
                keys.toString(),
                "--jwt-issuer",
                "https://auth.example.com");
        port = server.awaitPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String token(String user, Map<String, Object> grants) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder()
                        .subject(user)
                        .issuer("https://auth.example.com")
                        .claim("ssemux", grants)
                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                        .build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private static HttpResponse<String> publish(String bearer, String channel) throws Exception {
        return send(HttpRequest.newBuilder(uri("/api/sse/publish"))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"channel\":\"" + channel + "\",\"type\":\"job_completed\",\"data\":{\"id\":7}}")));
    }

    @Test
    void aStreamNeedsAValidTokenAndGetsOnlyWhatItGrants() throws Exception {
        String alice = token("alice", Map.of("subscribe", List.of("jobs")));
        String forged = token("alice", Map.of("subscribe", List.of("*"))).replaceFirst("\\.[^.]+$", ".AAAA");

        assertThat(send(HttpRequest.newBuilder(uri("/api/sse/stream?channels=jobs")))
                        .statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/api/sse/stream?channels=jobs&user=alice")))
                        .statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/api/sse/stream?channels=jobs&token=" + forged)))
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> otherUsers =
                send(HttpRequest.newBuilder(uri("/api/sse/stream?channels=user:bob&token=" + alice)));
        assertThat(otherUsers.statusCode()).isEqualTo(403);
        assertThat(otherUsers.body()).contains("channels [user:bob]: not granted to user 'alice'");

        HttpResponse<InputStream> stream = HTTP.send(
                HttpRequest.newBuilder(uri("/api/sse/stream?token=" + alice)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(publish(API_KEY, "user:bob").statusCode()).isEqualTo(202);
            assertThat(publish(API_KEY, "jobs").statusCode()).isEqualTo(202);
            String text = MainTest.readUntil(in, "data: {\"id\":7}\n\n");
            assertThat(text).contains("event: connected").doesNotContain("user:bob");
        }
        assertThat(server.output()).doesNotContain(alice).doesNotContain(new String(secret, StandardCharsets.UTF_8));
    }

    @Test
    void onlyGrantedPublishersPublishAndOnlyAdminsReadStats() throws Exception {
        String reader = token("carol", Map.of("subscribe", List.of("jobs")));
        String admin = token("root", Map.of("admin", true));

        assertThat(publish(reader, "jobs").statusCode()).isEqualTo(403);
        assertThat(publish(API_KEY, "payroll").statusCode()).isEqualTo(403);
        assertThat(publish(API_KEY.substring(1), "jobs").statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/api/sse/stats")).header("Authorization", "Bearer " + reader))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(uri("/api/sse/stats")).header("Authorization", "Bearer " + admin))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void onlyAdminsScrapeTheMetricsWhichFollowTheHub() throws Exception {
        String reader = token("dave", Map.of("subscribe", List.of("jobs")));
        String admin = token("root", Map.of("admin", true));
        assertThat(publish(API_KEY, "jobs").statusCode()).isEqualTo(202);

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/metrics")));
        HttpResponse<String> refused =
                send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", "Bearer " + reader));
        HttpResponse<String> scraped =
                send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", "Bearer " + admin));

        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/metrics"))
                .header("Authorization", "Bearer " + admin)
                .DELETE());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("metrics: not granted to user 'dave' (expected: the admin grant)");
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        assertThat(scraped.body())
                .containsPattern("(?m)^ssemux_events_published_total [1-9]")
                .contains("ssemux_publish_flush_seconds_bucket", "ssemux_streams_open ", "jvm_memory_used_bytes")
                .doesNotContain("dave", "carol");
    }

    @Test
    void refusesToListenOnTheNetworkWithoutAnAuthenticatorNamingTheFlags() throws Exception {
        try (ServerProcess open = ServerProcess.start(Map.of(), "--port", "0", "--no-demo", "--host", "0.0.0.0")) {
            assertThat(open.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(open.output())
                    .contains(
                            "Invalid setting: --host 0.0.0.0 without an authenticator",
                            "--jwt-secret-file, --jwt-public-key, --jwks-url or --jwks-file",
                            "--insecure-trust-anyone-on-network");
        }
    }

    @Test
    void refusesHalfATlsSettingAndABadKeyFile() throws Exception {
        Path shortKeys = Files.writeString(dir.resolve("short-keys"), "short jobs\n");
        try (ServerProcess half = ServerProcess.start(Map.of(), "--port", "0", "--no-demo", "--tls-cert", "x.pem");
                ServerProcess weak = ServerProcess.start(
                        Map.of(), "--port", "0", "--no-demo", "--api-key-file", shortKeys.toString())) {
            assertThat(half.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(half.output()).contains("--tls-cert and --tls-key: one without the other (expected: both)");
            assertThat(weak.awaitExit(EXIT_BOUND)).isEqualTo(2);
            assertThat(weak.output()).contains("short-keys line 1: a key of 5 characters (expected: at least 24)");
        }
    }

    @Test
    void theDemosUploadsNeedATokenWhenTheServerHasAKey() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("demo.secret"), new String(secret, StandardCharsets.UTF_8));
        try (ServerProcess demo = ServerProcess.start(
                Map.of(),
                "--port",
                "0",
                "--jwt-secret-file",
                secretFile.toString(),
                "--data-dir",
                dir.resolve("demo-data").toString())) {
            int demoPort = demo.awaitPort();
            HttpResponse<String> anonymous = send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + demoPort + "/api/projects/p1/photos?user=alice"))
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofString("--b--\r\n")));

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("no token");
        }
    }
}
