package io.ssemux.core.spi;

import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;

/**
 * Says which user a request belongs to. The transport calls it on every API request and stream
 * open, on its I/O thread: it must not block (verify a signed token locally, or use a cache).
 *
 * <p>Implementations return the user id, or throw {@link SsemuxException#unauthorized} with the
 * reason. Thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

    /** The user that {@code request} comes from. */
    String authenticate(RequestInfo request);

    /**
     * <b>For local development only:</b> trusts the {@code user} query parameter, then the
     * {@code X-User-Id} header, and falls back to the client's address. Anyone can claim any user.
     */
    static Authenticator development() {
        return request -> {
            String user = request.queryParameter("user");
            if (user == null || user.isEmpty()) {
                user = request.header("X-User-Id");
            }
            if (user == null || user.isEmpty()) {
                user = request.remoteAddress();
            }
            return Names.checkUser(user);
        };
    }
}
