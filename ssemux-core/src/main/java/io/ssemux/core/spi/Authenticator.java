package io.ssemux.core.spi;

import io.ssemux.core.SsemuxException;

/**
 * Says who a request comes from and what they may do. The transport calls it on every API request
 * and stream open, on its I/O thread: it must not block (verify a signed token locally, or use a
 * cache).
 *
 * <p>Implementations return the {@link Principal}, or throw {@link SsemuxException#unauthorized}
 * with the reason (or {@link SsemuxException#unavailable} when they cannot tell yet, such as while
 * signing keys are being fetched). Thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

    /** Who {@code request} comes from. */
    Principal authenticate(RequestInfo request);

    /**
     * <b>For local development only:</b> trusts the {@code user} query parameter, then the
     * {@code X-User-Id} header, and falls back to the client's address. Anyone can claim any user,
     * and every user may read and publish every channel but other users' private ones
     * ({@link Grants#all()}).
     */
    static Authenticator development() {
        return DevelopmentAuthenticator.INSTANCE;
    }

    /**
     * Whether this authenticator believes any claim, as {@link #development()} does. A transport
     * then serves only its own machine: it binds to loopback and refuses other {@code Host} names.
     */
    default boolean trustsAnyone() {
        return false;
    }
}
