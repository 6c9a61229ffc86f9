package io.ssemux.core.spi;

import io.ssemux.core.Names;
import java.time.Instant;
import java.util.Objects;

/**
 * Who a request comes from, as an {@link Authenticator} established it: an immutable value.
 *
 * @param user      the user id ({@link Names#checkUser its grammar})
 * @param grants    what the user may read and publish
 * @param expiresAt when the credential stops being valid (a token's {@code exp}), or {@code null}
 *                  when it does not expire
 */
public record Principal(String user, Grants grants, Instant expiresAt) {
    /**
     * Checks the user id.
     *
     * @throws io.ssemux.core.SsemuxException {@code BAD_REQUEST} if it is not a valid user id
     */
    public Principal {
        Names.checkUser(user);
        Objects.requireNonNull(grants, "grants");
    }

    /** A principal with these grants and no expiry. */
    public static Principal of(String user, Grants grants) {
        return new Principal(user, grants, null);
    }
}
