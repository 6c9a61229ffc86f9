package io.ssemux.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.testing.ManualScheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksTest {
    private final ManualScheduler time = new ManualScheduler(Tokens.NOW);
    private final RSAKey first = Tokens.rsa("2026-01");
    private final ECKey second = Tokens.ec("2026-02");
    private HttpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String publicSet(com.nimbusds.jose.jwk.JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private static SsemuxException.Kind kindOf(Runnable call) {
        try {
            call.run();
            return null;
        } catch (SsemuxException e) {
            return e.kind();
        }
    }

    @Test
    void picksTheKeyOfTheTokensKeyIdFromAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("jwks.json"), publicSet(first, second));
        JwtAuthenticator jwks =
                JwtAuthenticator.builder().jwksFile(file).clock(time.clock()).build();

        assertThat(jwks.authenticate(Requests.bearer(Tokens.rsa(first, Tokens.claims("alice", c -> c))))
                        .user())
                .isEqualTo("alice");
        assertThat(jwks.authenticate(Requests.bearer(Tokens.ec(second, Tokens.claims("bob", c -> c))))
                        .user())
                .isEqualTo("bob");
        assertThatThrownBy(() -> jwks.authenticate(
                        Requests.bearer(Tokens.rsa(Tokens.rsa("2026-01"), Tokens.claims("eve", c -> c)))))
                .hasMessage("token: bad signature");
    }

    @Test
    void aRotatedKeyIsFetchedInTheBackgroundWhileItsFirstRequestIsToldToRetry() throws IOException {
        Path file = Files.writeString(dir.resolve("jwks.json"), publicSet(first));
        JwtAuthenticator jwks =
                JwtAuthenticator.builder().jwksFile(file).clock(time.clock()).build();
        String rotated = Tokens.ec(second, Tokens.claims("alice", c -> c));
        Files.writeString(file, publicSet(first, second));
        time.advance(Duration.ofSeconds(31)); // past the least interval between two fetches

        assertThatThrownBy(() -> jwks.authenticate(Requests.bearer(rotated)))
                .isInstanceOfSatisfying(SsemuxException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                })
                .hasMessageContaining("key id '2026-02' is not in the key set");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kindOf(() -> jwks.authenticate(Requests.bearer(rotated))) == null);
    }

    private HttpServer countingServer(AtomicInteger fetches) throws IOException {
        HttpServer counting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        counting.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = publicSet(first).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        counting.start();
        return counting;
    }

    @Test
    void anUnknownKeyIdCannotMakeItFetchMoreThanOncePerInterval() throws IOException {
        AtomicInteger fetches = new AtomicInteger();
        server = countingServer(fetches);
        JwtAuthenticator jwks = JwtAuthenticator.builder()
                .jwksUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
                .clock(time.clock())
                .build();
        // Issued before the key set was fetched: had its key existed, the set would hold it.
        String forged = Tokens.rsa(
                Tokens.rsa("made-up"), Tokens.claims("eve", c -> c.issueTime(Date.from(Tokens.NOW.minusSeconds(60)))));
        assertThat(fetches.get()).isEqualTo(1);

        for (int i = 0; i < 50; i++) {
            assertThat(kindOf(() -> jwks.authenticate(Requests.bearer(forged))))
                    .isEqualTo(SsemuxException.Kind.UNAUTHORIZED);
        }
        assertThat(fetches.get()).isEqualTo(1);

        time.advance(Duration.ofSeconds(31));
        assertThat(kindOf(() -> jwks.authenticate(Requests.bearer(forged))))
                .isEqualTo(SsemuxException.Kind.UNAVAILABLE);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        kindOf(() -> jwks.authenticate(Requests.bearer(forged))) == SsemuxException.Kind.UNAUTHORIZED);
        assertThat(fetches.get()).isEqualTo(2);
        assertThat(jwks.authenticate(Requests.bearer(Tokens.rsa(first, Tokens.claims("alice", c -> c))))
                        .user())
                .isEqualTo("alice");
    }

    @Test
    void aTokenPerhapsNewerThanTheKeySetIsToldWhenToRetryNotRefused() throws IOException {
        AtomicInteger fetches = new AtomicInteger();
        server = countingServer(fetches);
        JwtAuthenticator jwks = JwtAuthenticator.builder()
                .jwksUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
                .clock(time.clock())
                .build();
        time.advance(Duration.ofSeconds(10));
        String rotated = Tokens.rsa(
                Tokens.rsa("2026-02"), Tokens.claims("alice", c -> c.issueTime(Date.from(Tokens.NOW.plusSeconds(5)))));

        assertThatThrownBy(() -> jwks.authenticate(Requests.bearer(rotated)))
                .isInstanceOfSatisfying(SsemuxException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20));
                })
                .hasMessageContaining("it is fetched again within 20 s");
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void aKeySetUrlDownAtStartIsFetchedLaterAndRequestsAreToldToRetryMeanwhile() throws IOException {
        AtomicReference<String> body = new AtomicReference<>(null);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            String json = body.get();
            byte[] bytes = (json == null ? "down" : json).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(json == null ? 503 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        JwtAuthenticator jwks = JwtAuthenticator.builder()
                .jwksUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
                .clock(time.clock())
                .build();
        String token = Tokens.rsa(first, Tokens.claims("alice", c -> c));

        assertThat(kindOf(() -> jwks.authenticate(Requests.bearer(token)))).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
        body.set(publicSet(first));
        time.advance(Duration.ofSeconds(31));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> kindOf(() -> jwks.authenticate(Requests.bearer(token))) == null);
    }

    @Test
    void anUnreadableKeySetFileStopsTheStart() {
        assertThatThrownBy(() -> JwtAuthenticator.builder()
                        .jwksFile(dir.resolve("missing.json"))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("jwksFile: cannot read a JSON Web Key Set from");
    }
}
