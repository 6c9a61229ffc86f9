package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssemux.client.SseClient.State;
import io.ssemux.core.Hub;
import io.ssemux.core.HubTop;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.jwt.JwtAuthenticator;
import io.ssemux.netty.SsemuxServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens that expire on a live stream: the client against a real ssemux that verifies real signed
 * JSON Web Tokens. The hub and the authenticator share one {@link ManualScheduler}, so a token
 * expires only when a test moves that time; the client keeps its own (real) scheduler.
 */
class TokenTest {
    private static final Duration WAIT = Recorder.WAIT;
    private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200));
    /** A backoff no test waits out: a reconnection that happens came at once. */
    private static final Backoff NEVER = Backoff.exponential(Duration.ofHours(1), Duration.ofHours(1));

    private final ManualScheduler time = new ManualScheduler();
    private final byte[] secret = new byte[32];
    /** Credentials the hub took on a live stream ({@code POST /api/sse/token}). */
    private final AtomicInteger refreshes = new AtomicInteger();

    private final Recorder recorder = new Recorder();
    private final List<Set<String>> revoked = new CopyOnWriteArrayList<>();
    private final List<SseClient> clients = new ArrayList<>();
    private Hub hub;
    private SsemuxServer server;

    @BeforeEach
    void start() {
        new SecureRandom().nextBytes(secret);
        hub = Hub.builder()
                .scheduler(time)
                .clock(time.clock())
                .heartbeat(Duration.ofHours(1))
                .tokenRefreshLead(Duration.ofSeconds(60))
                .retry(Duration.ofMillis(50))
                .build();
        startServer(0);
    }

    @AfterEach
    void stop() {
        clients.forEach(SseClient::close);
        hub.close();
        server.close();
    }

    /** A server for the hub, counting its refreshes, with a JWT authenticator on the hub's time. */
    private void startServer(int port) {
        Hub counting =
                (Hub) Proxy.newProxyInstance(Hub.class.getClassLoader(), new Class<?>[] {Hub.class}, (p, m, a) -> {
                    try {
                        Object result = m.invoke(hub, a);
                        if (m.getName().equals("refresh") || m.getName().equals("refreshAsync")) {
                            refreshes.incrementAndGet();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        server = SsemuxServer.builder(counting)
                .host("127.0.0.1")
                .port(port)
                .ioThreads(1)
                .authenticator(JwtAuthenticator.builder()
                        .hmacSecret(secret)
                        .clock(time.clock())
                        .clockSkew(Duration.ZERO)
                        .build())
                .build()
                .start();
    }

    /** Every stream drops; the hub and its history stay. */
    private void bounceServer() {
        int port = server.port();
        server.close();
        startServer(port);
    }

    /** A token of alice, signed with the server's secret, expiring {@code validFor} from the hub's now. */
    private String token(Duration validFor, String... channels) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("alice")
                .expirationTime(Date.from(time.clock().instant().plus(validFor)))
                .claim("ssemux", Map.of("subscribe", List.of(channels)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A token source answering its stages in turn, then the last one again. */
    private static final class Source implements Supplier<CompletionStage<String>> {
        final List<CompletionStage<String>> answers = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @SafeVarargs
        Source(CompletionStage<String>... answers) {
            for (CompletionStage<String> answer : answers) {
                this.answers.add(answer);
            }
        }

        @Override
        public CompletionStage<String> get() {
            return answers.get(Math.min(calls.getAndIncrement(), answers.size() - 1));
        }
    }

    private SseClientBuilder client(String... channels) {
        return recorder.attach(SseClient.builder(URI.create("http://127.0.0.1:" + server.port()))
                .channels(channels)
                .backoff(FAST)
                .onRevoked(revoked::add));
    }

    private SseClient open(SseClientBuilder builder) {
        SseClient client = builder.build();
        clients.add(client);
        await().atMost(WAIT).until(() -> client.state() == State.OPEN);
        return client;
    }

    /** The data of the events received, up to and including the one whose data is {@code last}. */
    private List<String> dataUntil(String last) {
        List<String> data = new ArrayList<>();
        while (data.isEmpty() || !data.get(data.size() - 1).equals(last)) {
            data.add(recorder.next().data());
        }
        return data;
    }

    private void assertNoTokenIn(List<SseClientException> errors, String... tokens) {
        for (SseClientException error : errors) {
            for (String token : tokens) {
                assertThat(error.getMessage()).doesNotContain(token);
                assertThat(String.valueOf(error.getCause())).doesNotContain(token);
            }
        }
    }

    @Test
    void aTokenRefreshedOnTheLiveStreamKeepsItOpenPastTheFirstExpiry() throws Exception {
        CompletableFuture<String> fresh = new CompletableFuture<>();
        Source source = new Source(CompletableFuture.completedFuture(token(Duration.ofMinutes(10), "jobs")), fresh);
        SseClient client = open(client("jobs").tokenAsync(source));
        hub.publish("jobs", "t", "\"before\"");
        assertThat(recorder.next().data()).isEqualTo("\"before\"");

        time.advance(Duration.ofMinutes(9)); // token_expiring: the client asks its source
        await().atMost(WAIT).until(() -> source.calls.get() == 2);
        hub.publish("jobs", "t", "\"during\"");
        fresh.complete(token(Duration.ofHours(1), "jobs", "reports"));
        await().atMost(WAIT).until(() -> refreshes.get() == 1);
        time.advance(Duration.ofMinutes(2)); // past the first token's expiry
        hub.publish("jobs", "t", "\"after\"");
        // A change on the live stream goes with the new token: the first one has expired.
        assertThat(client.subscribe("reports").get()).containsExactly("jobs", "reports");
        hub.publish("reports", "t", "\"end\"");

        assertThat(dataUntil("\"end\"")).containsExactly("\"during\"", "\"after\"", "\"end\"");
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(hub.stats().connectionsOpened()).isEqualTo(1);
        assertThat(hub.stats().connections()).isEqualTo(1);
        assertThat(recorder.errors).isEmpty();
        assertThat(source.calls).hasValue(2);
    }

    @Test
    void whenTheRefreshFailsTheStreamExpiresAndTheClientResumesAtOnceWithAFreshToken() {
        String first = token(Duration.ofMinutes(10), "jobs");
        CompletableFuture<String> later = new CompletableFuture<>();
        Source source = new Source(
                CompletableFuture.completedFuture(first),
                CompletableFuture.failedFuture(new IllegalStateException("identity provider down")),
                later);
        SseClient client = open(client("jobs").backoff(NEVER).tokenAsync(source));
        hub.publish("jobs", "t", "1");
        assertThat(recorder.next().data()).isEqualTo("1");

        time.advance(Duration.ofMinutes(9)); // token_expiring: the refresh fails
        await().atMost(WAIT).until(() -> !recorder.errors.isEmpty());
        hub.publish("jobs", "t", "2");
        assertThat(recorder.next().data()).isEqualTo("2");
        time.advance(Duration.ofMinutes(1)); // token_expired: the server ends the stream
        await().atMost(WAIT).until(() -> source.calls.get() == 3); // reconnecting at once, waiting for the token
        hub.publish("jobs", "t", "3");
        hub.publish("jobs", "t", "4");
        later.complete(token(Duration.ofHours(1), "jobs"));
        await().atMost(WAIT).until(() -> hub.stats().connections() == 1);
        hub.publish("jobs", "t", "5");

        assertThat(dataUntil("5")).containsExactly("3", "4", "5");
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(hub.stats().connectionsOpened()).isEqualTo(2);
        assertThat(recorder.errors)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage())
                        .startsWith(
                                "token refresh: the token source failed: IllegalStateException: identity provider down")
                        .contains("the stream ends when its token expires at 2026-01-01T00:10:00Z"));
        assertThat(recorder.states).containsSubsequence(State.OPEN, State.RECONNECTING, State.OPEN);
        assertNoTokenIn(recorder.errors, first);
    }

    @Test
    void channelsARefreshedTokenNoLongerGrantsAreDroppedReportedAndNotAskedForAgain() {
        Source source = new Source(
                CompletableFuture.completedFuture(token(Duration.ofMinutes(10), "jobs", "payroll")),
                CompletableFuture.completedFuture(token(Duration.ofHours(1), "jobs")));
        SseClient client = open(client("jobs", "payroll").tokenAsync(source));

        time.advance(Duration.ofMinutes(9)); // token_expiring: the new token grants jobs only
        await().atMost(WAIT).until(() -> !revoked.isEmpty());
        hub.publish("payroll", "t", "\"hidden\"");
        hub.publish("jobs", "t", "\"seen\"");

        assertThat(revoked).containsExactly(Set.of("payroll"));
        assertThat(client.channels()).containsExactly("jobs");
        assertThat(recorder.next().data()).isEqualTo("\"seen\"");

        bounceServer(); // the next stream asks for jobs only, so it is not refused
        await().atMost(WAIT)
                .until(() -> hub.stats().connectionsOpened() == 2 && hub.stats().connections() == 1);
        await().atMost(WAIT).until(() -> client.state() == State.OPEN);
        hub.publish("jobs", "t", "\"again\"");
        assertThat(recorder.next().data()).isEqualTo("\"again\"");
        assertThat(hub.top(100).channels()).extracting(HubTop.Entry::name).containsOnly("jobs");
        assertThat(recorder.errors).noneMatch(e -> e.status() == 403);
    }

    @Test
    void aConnectionRefusedWith401IsRetriedWithAFreshToken() {
        String expired = token(Duration.ofSeconds(-1), "jobs");
        Source source = new Source(
                CompletableFuture.completedFuture(expired),
                CompletableFuture.completedFuture(token(Duration.ofHours(1), "jobs")));

        open(client("jobs").tokenAsync(source));

        assertThat(source.calls).hasValue(2);
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("token: expired at 2025-12-31T23:59:59Z");
        });
        assertThat(recorder.states).doesNotContain(State.FAILED);
        assertThat(hub.stats().connectionsOpened()).isEqualTo(1);
        assertNoTokenIn(recorder.errors, expired);
    }

    @Test
    void aTokenSourceThatDoesNotAnswerIsGivenUpAndAskedAgain() {
        Source source = new Source(
                new CompletableFuture<>(), CompletableFuture.completedFuture(token(Duration.ofHours(1), "jobs")));

        open(client("jobs").connectTimeout(Duration.ofSeconds(1)).tokenAsync(source));

        assertThat(source.calls).hasValue(2);
        assertThat(recorder.errors)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo("the token source did not answer within 1.000 s"));
    }

    @Test
    void aCheapSupplierServesAsTheSource() {
        AtomicInteger calls = new AtomicInteger();
        String token = token(Duration.ofHours(1), "jobs");
        open(client("jobs").token(() -> {
            calls.incrementAndGet();
            return token;
        }));
        hub.publish("jobs", "t", "1");

        assertThat(recorder.next().data()).isEqualTo("1");
        assertThat(calls).hasValue(1);
    }

    @Test
    void withoutATokenSourceA401StillEndsTheClient() {
        String expired = token(Duration.ofSeconds(-1), "jobs");
        SseClient client =
                client("jobs").header("Authorization", "Bearer " + expired).build();
        clients.add(client);

        await().atMost(WAIT).until(() -> client.state() == State.FAILED);
        assertThat(recorder.errors)
                .singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(401));
        assertNoTokenIn(recorder.errors, expired);
    }

    @Test
    void aChannelTheTokenDoesNotGrantEndsTheClientNamingIt() {
        SseClient client = client("jobs", "payroll")
                .token(() -> token(Duration.ofHours(1), "jobs"))
                .build();
        clients.add(client);

        await().atMost(WAIT).until(() -> client.state() == State.FAILED);
        assertThat(recorder.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("channels [payroll]: not granted to user 'alice'");
        });
    }
}
