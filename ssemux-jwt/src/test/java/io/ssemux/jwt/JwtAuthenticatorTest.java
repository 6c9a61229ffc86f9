package io.ssemux.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private final ManualScheduler time = new ManualScheduler(Tokens.NOW);
    private final byte[] secret = Tokens.secret();
    private final JwtAuthenticator hmac =
            JwtAuthenticator.builder().hmacSecret(secret).clock(time.clock()).build();

    private static void assertRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        SsemuxException.class, e -> assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAUTHORIZED))
                .hasMessageContaining(message);
    }

    @Test
    void acceptsASignedTokenAndReadsTheUserGrantsAndExpiry() {
        String token = Tokens.hmac(
                secret,
                Tokens.claims(
                        "alice",
                        c -> c.claim(
                                "ssemux",
                                Map.of(
                                        "subscribe",
                                        List.of("jobs", "project:acme:*"),
                                        "publish",
                                        List.of("jobs"),
                                        "admin",
                                        true))));

        Principal principal = hmac.authenticate(Requests.bearer(token));

        assertThat(principal)
                .isEqualTo(new Principal(
                        "alice",
                        new Grants(List.of("jobs", "project:acme:*"), List.of("jobs"), true),
                        Tokens.NOW.plusSeconds(3600 + 30))); // accepted until exp and the clock skew
    }

    @Test
    void aTokenWithoutTheClaimGrantsOnlyTheUsersPrivateChannel() {
        Principal principal = hmac.authenticate(Requests.bearer(Tokens.hmac(secret, Tokens.claims("alice", c -> c))));

        assertThat(principal.grants()).isEqualTo(Grants.none());
    }

    @Test
    void refusesAnExpiredTokenPastTheClockSkew() {
        String token = Tokens.hmac(
                secret, Tokens.claims("alice", c -> c.expirationTime(Date.from(Tokens.NOW.minusSeconds(10)))));
        assertThat(hmac.authenticate(Requests.bearer(token)).user()).isEqualTo("alice"); // within 30 s of skew

        time.advance(Duration.ofSeconds(21));

        assertRefused(() -> hmac.authenticate(Requests.bearer(token)), "token: expired at 2025-12-31T23:59:50Z");
    }

    @Test
    void refusesATokenNotValidYet() {
        String token = Tokens.hmac(
                secret, Tokens.claims("alice", c -> c.notBeforeTime(Date.from(Tokens.NOW.plusSeconds(60)))));

        assertRefused(() -> hmac.authenticate(Requests.bearer(token)), "token: not valid before 2026-01-01T00:01:00Z");
        time.advance(Duration.ofSeconds(31));
        assertThat(hmac.authenticate(Requests.bearer(token)).user()).isEqualTo("alice");
    }

    @Test
    void checksIssuerAndAudienceWhenConfigured() {
        JwtAuthenticator strict = JwtAuthenticator.builder()
                .hmacSecret(secret)
                .issuer("https://auth.example.com")
                .audience("ssemux")
                .clock(time.clock())
                .build();
        String good = Tokens.hmac(
                secret,
                Tokens.claims("alice", c -> c.issuer("https://auth.example.com").audience(List.of("x", "ssemux"))));
        String wrongIssuer = Tokens.hmac(
                secret,
                Tokens.claims("alice", c -> c.issuer("https://evil.example.com").audience("ssemux")));
        String wrongAudience = Tokens.hmac(
                secret,
                Tokens.claims("alice", c -> c.issuer("https://auth.example.com").audience("other")));

        assertThat(strict.authenticate(Requests.bearer(good)).user()).isEqualTo("alice");
        assertRefused(
                () -> strict.authenticate(Requests.bearer(wrongIssuer)), "token: issuer 'https://evil.example.com'");
        assertRefused(() -> strict.authenticate(Requests.bearer(wrongAudience)), "token: audience [other]");
    }

    @Test
    void refusesAnUnsignedToken() {
        String none = new PlainJWT(Tokens.claims("alice", c -> c)).serialize();

        assertRefused(() -> hmac.authenticate(Requests.bearer(none)), "token: not a signed JWT");
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        String token = Tokens.hmac(Tokens.secret(), Tokens.claims("alice", c -> c));

        assertRefused(() -> hmac.authenticate(Requests.bearer(token)), "token: bad signature");
    }

    @Test
    void refusesATamperedToken() {
        String token = Tokens.hmac(secret, Tokens.claims("alice", c -> c));
        String[] parts = token.split("\\.", -1);
        String payload =
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "mallo");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];

        assertRefused(() -> hmac.authenticate(Requests.bearer(tampered)), "token: bad signature");
    }

    @Test
    void refusesAnHmacTokenMadeWithThePublicKeyOfAnRsaServer() throws Exception {
        RSAKey rsa = Tokens.rsa("k1");
        JwtAuthenticator byKey = JwtAuthenticator.builder()
                .publicKeyPem(Tokens.pem(rsa.toPublicKey()))
                .clock(time.clock())
                .build();
        String confused = Tokens.sign(
                JWSAlgorithm.HS256,
                null,
                new MACSigner(rsa.toPublicKey().getEncoded()),
                Tokens.claims("alice", c -> c));

        assertRefused(() -> byKey.authenticate(Requests.bearer(confused)), "token: signed with HS256");
        assertThat(byKey.authenticate(Requests.bearer(Tokens.rsa(rsa, Tokens.claims("alice", c -> c))))
                        .user())
                .isEqualTo("alice");
    }

    @Test
    void acceptsTokensOfAnEcPublicKey() throws Exception {
        ECKey ec = Tokens.ec("e1");
        JwtAuthenticator byKey = JwtAuthenticator.builder()
                .publicKeyPem(Tokens.pem(ec.toPublicKey()))
                .clock(time.clock())
                .build();

        assertThat(byKey.authenticate(Requests.bearer(Tokens.ec(ec, Tokens.claims("bob", c -> c))))
                        .user())
                .isEqualTo("bob");
        assertRefused(
                () -> byKey.authenticate(Requests.bearer(Tokens.ec(Tokens.ec("e1"), Tokens.claims("bob", c -> c)))),
                "token: bad signature");
    }

    @Test
    void takesTheTokenFromTheHeaderThenTheCookieThenTheQuery() {
        JwtAuthenticator withCookie = JwtAuthenticator.builder()
                .hmacSecret(secret)
                .cookie("ssemux_token")
                .clock(time.clock())
                .build();
        String alice = Tokens.hmac(secret, Tokens.claims("alice", c -> c));
        String bob = Tokens.hmac(secret, Tokens.claims("bob", c -> c));

        assertThat(withCookie
                        .authenticate(Requests.headers(Map.of("Cookie", "a=1; ssemux_token=" + alice + "; b=2")))
                        .user())
                .isEqualTo("alice");
        assertThat(withCookie.authenticate(Requests.query("token", bob)).user()).isEqualTo("bob");
        assertThat(withCookie
                        .authenticate(new Requests(Requests.bearer(alice).headers(), Map.of("token", bob)))
                        .user())
                .isEqualTo("alice");
        assertRefused(() -> hmac.authenticate(Requests.headers(Map.of("Cookie", "ssemux_token=" + alice))), "no token");
    }

    @Test
    void refusesAnotherAuthorizationSchemeOrNoTokenWithoutEchoingIt() {
        assertRefused(
                () -> hmac.authenticate(Requests.headers(Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"))),
                "Authorization: not a Bearer token");
        assertThatThrownBy(() -> hmac.authenticate(Requests.bearer("not.a-token.at-all")))
                .hasMessageNotContaining("not.a-token.at-all");
        assertRefused(
                () -> hmac.authenticate(Requests.headers(Map.of())),
                "no token (expected: an 'Authorization: Bearer' header or the 'token' query parameter)");
    }

    @Test
    void requiresExpAndSub() {
        JWTClaimsSet noExp = new JWTClaimsSet.Builder().subject("alice").build();
        JWTClaimsSet noSub = new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Tokens.NOW.plusSeconds(60)))
                .build();

        assertRefused(() -> hmac.authenticate(Requests.bearer(Tokens.hmac(secret, noExp))), "token: no 'exp' claim");
        assertRefused(() -> hmac.authenticate(Requests.bearer(Tokens.hmac(secret, noSub))), "token: no 'sub' claim");
    }

    @Test
    void refusesMalformedGrants() {
        String badPattern = Tokens.hmac(
                secret, Tokens.claims("alice", c -> c.claim("ssemux", Map.of("subscribe", List.of("a b")))));
        String unknownMember =
                Tokens.hmac(secret, Tokens.claims("alice", c -> c.claim("ssemux", Map.of("root", true))));
        String notAnObject = Tokens.hmac(secret, Tokens.claims("alice", c -> c.claim("ssemux", "all")));

        assertRefused(() -> hmac.authenticate(Requests.bearer(badPattern)), "claim 'ssemux': pattern 'a b': invalid");
        assertRefused(
                () -> hmac.authenticate(Requests.bearer(unknownMember)), "claim 'ssemux': member 'root': unknown");
        assertRefused(() -> hmac.authenticate(Requests.bearer(notAnObject)), "token: malformed claims");
    }

    @Test
    void refusesConfigurationMistakes() {
        assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(new byte[16]))
                .hasMessage("HMAC secret: 16 bytes (expected: at least 32)");
        assertThatThrownBy(() -> JwtAuthenticator.builder().build())
                .hasMessage("no key source (expected: hmacSecret, publicKeyPem, jwksUrl or jwksFile)");
        assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(secret).publicKeyPem("x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder()
                        .publicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .hasMessageContaining("neither an RSA nor an EC key");
    }
}
