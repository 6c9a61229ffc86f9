package io.ssemux.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.ssemux.core.SsemuxException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The keys of a JSON Web Key Set, fetched from a URL or read from a file, cached, and fetched again
 * in the background: when the cache is older than its lifetime, and when a token names a key id the
 * set does not hold (a key rotation), at most once per {@code minRefreshInterval}. A request never
 * waits for a fetch: while one is due it is answered {@code UNAVAILABLE} with a short
 * {@code Retry-After}, so clients come back once the new keys are there.
 *
 * <p>Thread-safe: the set is replaced atomically; fetches run on the loader's own threads.
 */
final class JwksKeys implements VerificationKeys {
    private static final System.Logger LOG = System.getLogger(JwksKeys.class.getName());
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final String source;
    private final Supplier<CompletableFuture<String>> loader;
    private final Clock clock;
    private final long lifetimeMillis;
    private final long minRefreshMillis;

    private final Object lock = new Object();
    private JWKSet keys; // guarded by lock; null until the first fetch succeeds
    private long loadedAt; // guarded by lock
    private long lastAttemptAt = Long.MIN_VALUE; // guarded by lock
    private CompletableFuture<?> inFlight; // guarded by lock
    private boolean refreshScheduled; // guarded by lock: a fetch waits for the rate limit

    /**
     * @param source  what the keys come from, for messages
     * @param loader  starts fetching the set's JSON; runs off the caller's thread
     */
    JwksKeys(
            String source,
            Supplier<CompletableFuture<String>> loader,
            Clock clock,
            Duration lifetime,
            Duration minRefreshInterval) {
        this.source = source;
        this.loader = loader;
        this.clock = clock;
        this.lifetimeMillis = lifetime.toMillis();
        this.minRefreshMillis = minRefreshInterval.toMillis();
    }

    /** Fetches the set once and waits for it (at start-up, never on an I/O thread); false if it failed. */
    boolean loadNow(Duration timeout) {
        CompletableFuture<?> fetch;
        synchronized (lock) {
            fetch = startFetch();
        }
        try {
            fetch.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return false;
        }
        synchronized (lock) {
            return keys != null;
        }
    }

    @Override
    public List<JWSVerifier> verifiersFor(JWSHeader header, Instant issuedAt) {
        JWSAlgorithm algorithm = header.getAlgorithm();
        String kid = header.getKeyID();
        JWKSet set;
        synchronized (lock) {
            long now = clock.millis();
            set = keys;
            if (set == null) {
                refreshIfAllowed(now);
                throw SsemuxException.unavailable(
                        "token: the signing keys of " + source + " are not loaded yet (expected: retry shortly)",
                        RETRY_AFTER);
            }
            if (now - loadedAt >= lifetimeMillis) {
                refreshIfAllowed(now); // in the background; the cached set answers meanwhile
            }
            if (kid != null && set.getKeyByKeyId(kid) == null) {
                throw unknownKey(kid, issuedAt, now);
            }
        }
        List<JWSVerifier> verifiers = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            if ((kid == null || kid.equals(key.getKeyID()))
                    && (key.getAlgorithm() == null || key.getAlgorithm().equals(algorithm))) {
                JWSVerifier verifier = verifier(key, algorithm);
                if (verifier != null) {
                    verifiers.add(verifier);
                }
            }
        }
        if (verifiers.isEmpty()) {
            throw SsemuxException.unauthorized("token: no key in " + source + " verifies " + algorithm
                    + (kid == null ? "" : " with key id '" + kid + "'"));
        }
        return verifiers;
    }

    /**
     * Why a token naming a key the set does not hold is refused: while a fetch runs or may start, or
     * when the token may be newer than the set (a rotation), retry soon (a fetch is due then); when
     * the set was fetched after the token was issued, the key is unknown for good. Holds lock.
     */
    private SsemuxException unknownKey(String kid, Instant issuedAt, long now) {
        if (refreshIfAllowed(now) || inFlight != null) {
            return SsemuxException.unavailable(
                    "token: key id '" + kid + "' is not in " + source + "; fetching it again (expected: retry shortly)",
                    RETRY_AFTER);
        }
        if (issuedAt != null && issuedAt.toEpochMilli() < loadedAt) {
            return SsemuxException.unauthorized(
                    "token: key id '" + kid + "' is not in " + source + ", fetched after the token was issued");
        }
        long wait = Math.max(1, minRefreshMillis - (now - lastAttemptAt));
        if (!refreshScheduled) {
            refreshScheduled = true;
            CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS).execute(() -> {
                synchronized (lock) {
                    refreshScheduled = false;
                    refreshIfAllowed(clock.millis());
                }
            });
        }
        return SsemuxException.unavailable(
                "token: key id '" + kid + "' is not in " + source + "; it is fetched again within "
                        + ((wait + 999) / 1000) + " s (expected: retry then)",
                Duration.ofMillis(wait));
    }

    /** Starts a fetch unless one runs or the last started too recently; true if it started one. Holds lock. */
    private boolean refreshIfAllowed(long now) {
        if (inFlight != null || (lastAttemptAt != Long.MIN_VALUE && now - lastAttemptAt < minRefreshMillis)) {
            return false;
        }
        startFetch();
        return true;
    }

    /** Holds lock. */
    private CompletableFuture<?> startFetch() {
        if (inFlight != null) {
            return inFlight;
        }
        lastAttemptAt = clock.millis();
        CompletableFuture<?> fetch;
        try {
            fetch = loader.get().thenAccept(this::install);
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?> tracked = fetch.whenComplete((ignored, failure) -> {
            synchronized (lock) {
                inFlight = null;
            }
            if (failure != null) {
                LOG.log(Level.WARNING, "ssemux: cannot load the JSON Web Key Set of " + source + ": " + failure);
            }
        });
        if (!tracked.isDone()) {
            inFlight = tracked;
        }
        return tracked;
    }

    private void install(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not a JSON Web Key Set: " + e.getMessage(), e);
        }
        synchronized (lock) {
            keys = set;
            loadedAt = clock.millis();
        }
        LOG.log(Level.DEBUG, () -> "ssemux: loaded " + set.getKeys().size() + " keys from " + source);
    }

    /** A verifier of {@code key} for {@code algorithm}, or {@code null} if the key is of another family. */
    private static JWSVerifier verifier(JWK key, JWSAlgorithm algorithm) {
        try {
            if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(algorithm)) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(algorithm)) {
                return new ECDSAVerifier(ec);
            }
            if (key instanceof OctetSequenceKey secret && JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
                return new MACVerifier(secret);
            }
        } catch (JOSEException e) {
            LOG.log(
                    Level.WARNING,
                    "ssemux: unusable key '" + key.getKeyID() + "' in " + key.getKeyType() + ": " + e.getMessage());
        }
        return null;
    }
}
