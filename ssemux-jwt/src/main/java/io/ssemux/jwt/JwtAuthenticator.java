package io.ssemux.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.RequestInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An {@link Authenticator} that believes a request when it carries a JSON Web Token signed by a key
 * the operator trusts: an HMAC secret, an RSA or EC public key, or the keys of a JSON Web Key Set
 * (a URL or a file, cached and fetched again on rotation without ever making a request wait).
 *
 * <p>The token comes from the {@code Authorization: Bearer} header, else from a cookie (when
 * {@link Builder#cookie named}), else from the {@code token} query parameter (an
 * {@code EventSource} cannot set headers). It must be signed (never {@code alg: none}), with an
 * algorithm of the key's family; {@code exp} is required, {@code nbf} honoured, both with a small
 * clock skew; {@code iss} and {@code aud} are checked when configured; {@code sub} is the user.
 * The {@code ssemux} claim holds the grants: {@code {"subscribe": [...], "publish": [...],
 * "admin": false}} (see {@link Grants}). Every refusal is {@code UNAUTHORIZED} with the reason;
 * the token itself never appears in a message.
 *
 * <pre>{@code
 * Authenticator jwt = JwtAuthenticator.builder()
 *         .hmacSecret(Files.readAllBytes(Path.of("/run/secrets/ssemux-jwt")))
 *         .issuer("https://auth.example.com")
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe; {@link #authenticate} never blocks.
 */
public final class JwtAuthenticator implements Authenticator {
    /** The query parameter that may carry the token. */
    public static final String QUERY_PARAMETER = "token";

    private final VerificationKeys keys;
    private final String issuer;
    private final String audience;
    private final String cookie;
    private final Duration clockSkew;
    private final Clock clock;

    private JwtAuthenticator(Builder builder, VerificationKeys keys) {
        this.keys = keys;
        this.issuer = builder.issuer;
        this.audience = builder.audience;
        this.cookie = builder.cookie;
        this.clockSkew = builder.clockSkew;
        this.clock = builder.clock;
    }

    /** A builder: one key source is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Principal authenticate(RequestInfo request) {
        String token = token(request);
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw SsemuxException.unauthorized(
                    "token: not a signed JWT (expected: header.payload.signature, alg not none)");
        }
        if (!verified(jwt, keys.verifiersFor(jwt.getHeader(), unverifiedIssueTime(jwt)))) {
            throw SsemuxException.unauthorized("token: bad signature");
        }
        JWTClaimsSet claims;
        Map<String, Object> grants;
        try {
            claims = jwt.getJWTClaimsSet();
            grants = claims.getJSONObjectClaim(GrantsClaim.NAME);
        } catch (ParseException e) {
            throw SsemuxException.unauthorized("token: malformed claims: " + e.getMessage());
        }
        Instant expiresAt = checkTimes(claims);
        checkIssuerAndAudience(claims);
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw SsemuxException.unauthorized("token: no 'sub' claim (expected: the user id)");
        }
        try {
            Names.checkUser(subject);
        } catch (SsemuxException e) {
            throw SsemuxException.unauthorized("token: 'sub' " + Names.quote(subject) + " is not a valid user id");
        }
        return new Principal(subject, GrantsClaim.read(grants), expiresAt);
    }

    /**
     * The {@code iat} of a token not verified yet: only a hint, for telling a rotated key from an
     * unknown one, never trusted for anything else.
     */
    private static Instant unverifiedIssueTime(SignedJWT jwt) {
        try {
            Date iat = jwt.getJWTClaimsSet().getIssueTime();
            return iat == null ? null : iat.toInstant();
        } catch (ParseException e) {
            return null;
        }
    }

    private String token(RequestInfo request) {
        String authorization = request.header("Authorization");
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7) {
                return authorization.substring(7).trim();
            }
            throw SsemuxException.unauthorized("Authorization: not a Bearer token (expected: 'Bearer <token>')");
        }
        if (cookie != null) {
            String fromCookie = Cookies.value(request.header("Cookie"), cookie);
            if (fromCookie != null && !fromCookie.isEmpty()) {
                return fromCookie;
            }
        }
        String fromQuery = request.queryParameter(QUERY_PARAMETER);
        if (fromQuery != null && !fromQuery.isEmpty()) {
            return fromQuery;
        }
        throw SsemuxException.unauthorized("no token (expected: an 'Authorization: Bearer' header"
                + (cookie == null ? "" : ", the '" + cookie + "' cookie") + " or the 'token' query parameter)");
    }

    private static boolean verified(SignedJWT jwt, List<JWSVerifier> verifiers) {
        for (JWSVerifier verifier : verifiers) {
            try {
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException e) {
                // This key cannot check this algorithm: try the next one.
            }
        }
        return false;
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw SsemuxException.unauthorized("token: no 'exp' claim (expected: an expiry time)");
        }
        if (now.isAfter(exp.toInstant().plus(clockSkew))) {
            throw SsemuxException.unauthorized("token: expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw SsemuxException.unauthorized("token: not valid before " + nbf.toInstant());
        }
        // The stream ends when this server stops accepting the token, not earlier.
        return exp.toInstant().plus(clockSkew);
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) {
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw SsemuxException.unauthorized(
                    "token: issuer " + Names.quote(claims.getIssuer()) + " (expected: " + Names.quote(issuer) + ")");
        }
        if (audience != null
                && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw SsemuxException.unauthorized("token: audience " + claims.getAudience() + " (expected: to include "
                    + Names.quote(audience) + ")");
        }
    }

    /** Builds a {@link JwtAuthenticator}; exactly one key source must be set. Not thread-safe. */
    public static final class Builder {
        private VerificationKeys keys;
        private String keysSource;
        private String issuer;
        private String audience;
        private String cookie;
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration jwksLifetime = Duration.ofMinutes(5);
        private Duration jwksMinRefresh = Duration.ofSeconds(30);
        private Duration jwksTimeout = Duration.ofSeconds(10);
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private URI jwksUrl;
        private Path jwksFile;

        private Builder() {}

        /** Tokens signed with HS256, HS384 or HS512 and this secret (at least 32 bytes). */
        public Builder hmacSecret(byte[] secret) {
            return keys(StaticKeys.hmac(Objects.requireNonNull(secret, "secret")), "an HMAC secret");
        }

        /** Tokens signed with the private half of this PEM public key: RS*, PS* for RSA, ES* for EC. */
        public Builder publicKeyPem(String pem) {
            return keys(StaticKeys.publicKey(PemKeys.publicKey(Objects.requireNonNull(pem, "pem"))), "a public key");
        }

        /** Tokens signed by a key of the JSON Web Key Set served at {@code url} (fetched at build, then cached). */
        public Builder jwksUrl(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
                throw new IllegalArgumentException("jwksUrl: '" + url + "' (expected: an http or https URL)");
            }
            this.jwksUrl = url;
            return keys(null, "the key set at " + url);
        }

        /** Tokens signed by a key of the JSON Web Key Set in {@code file} (read at build, read again on rotation). */
        public Builder jwksFile(Path file) {
            this.jwksFile = Objects.requireNonNull(file, "file");
            return keys(null, "the key set in " + file.getFileName());
        }

        /** The required {@code iss} (default: not checked). */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** An {@code aud} the token must have (default: not checked). */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /** The cookie that may carry the token (default: none). */
        public Builder cookie(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()
                    || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("cookie: '" + name + "' (expected: a cookie name)");
            }
            this.cookie = name;
            return this;
        }

        /** Tolerance on {@code exp} and {@code nbf} for clocks that disagree (default 30 s, at most 5 minutes). */
        public Builder clockSkew(Duration skew) {
            if (skew == null || skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew: " + skew + " (expected: 0 to 5 minutes)");
            }
            this.clockSkew = skew;
            return this;
        }

        /**
         * How a key set is kept: fetched again after {@code lifetime} (default 5 minutes), and on an
         * unknown key id at most once per {@code minRefreshInterval} (default 30 s).
         */
        public Builder jwksRefresh(Duration lifetime, Duration minRefreshInterval) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
            }
            if (minRefreshInterval == null || minRefreshInterval.isNegative()) {
                throw new IllegalArgumentException("minRefreshInterval: " + minRefreshInterval + " (expected: >= 0)");
            }
            this.jwksLifetime = lifetime;
            this.jwksMinRefresh = minRefreshInterval;
            return this;
        }

        /** The HTTP client that fetches a key set URL (default: the JDK's, with a 10 s timeout). */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The clock of {@code exp}, {@code nbf} and key set ages (default: the system's). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        private Builder keys(VerificationKeys keys, String source) {
            if (keysSource != null) {
                throw new IllegalStateException(
                        "key source: " + source + " after " + keysSource + " (expected: one key source)");
            }
            this.keys = keys;
            this.keysSource = source;
            return this;
        }

        /**
         * The authenticator. A key set is loaded first: a file must be readable and valid; a URL that
         * cannot be fetched within 10 s is fetched again in the background, and requests are answered
         * {@code UNAVAILABLE} until it is.
         *
         * @throws IllegalStateException if no key source is set, or a key set file cannot be used
         */
        public JwtAuthenticator build() {
            if (keysSource == null) {
                throw new IllegalStateException(
                        "no key source (expected: hmacSecret, publicKeyPem, jwksUrl or jwksFile)");
            }
            if (keys != null) {
                return new JwtAuthenticator(this, keys);
            }
            JwksKeys set = new JwksKeys(
                    keysSource,
                    jwksFile != null ? fileLoader(jwksFile) : urlLoader(jwksUrl),
                    clock,
                    jwksLifetime,
                    jwksMinRefresh);
            if (!set.loadNow(jwksTimeout) && jwksFile != null) {
                throw new IllegalStateException("jwksFile: cannot read a JSON Web Key Set from " + jwksFile);
            }
            return new JwtAuthenticator(this, set);
        }

        private static java.util.function.Supplier<CompletableFuture<String>> fileLoader(Path file) {
            return () -> CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        private java.util.function.Supplier<CompletableFuture<String>> urlLoader(URI url) {
            HttpClient client = httpClient != null
                    ? httpClient
                    : HttpClient.newBuilder().connectTimeout(jwksTimeout).build();
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(jwksTimeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            return () -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new CompletionException(new IOException("GET " + url + ": " + response.statusCode()));
                        }
                        return response.body();
                    });
        }
    }
}
