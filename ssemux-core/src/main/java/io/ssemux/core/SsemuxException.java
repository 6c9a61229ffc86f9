package io.ssemux.core;

import java.time.Duration;

/**
 * A request that ssemux refuses, with the {@link Kind} that says why and a message that says
 * exactly what was wrong. A refused request changes nothing.
 */
public final class SsemuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused; each kind maps to one HTTP status. */
    public enum Kind {
        BAD_REQUEST(400, "bad_request"),
        UNAUTHORIZED(401, "unauthorized"),
        FORBIDDEN(403, "forbidden"),
        NOT_FOUND(404, "not_found"),
        PAYLOAD_TOO_LARGE(413, "payload_too_large"),
        UNAVAILABLE(503, "unavailable");

        private final int status;
        private final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }

        /** The short machine-readable code, as in the JSON error body. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    private SsemuxException(Kind kind, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public static SsemuxException badRequest(String message) {
        return new SsemuxException(Kind.BAD_REQUEST, message, null);
    }

    public static SsemuxException unauthorized(String message) {
        return new SsemuxException(Kind.UNAUTHORIZED, message, null);
    }

    public static SsemuxException forbidden(String message) {
        return new SsemuxException(Kind.FORBIDDEN, message, null);
    }

    public static SsemuxException notFound(String message) {
        return new SsemuxException(Kind.NOT_FOUND, message, null);
    }

    public static SsemuxException payloadTooLarge(String message) {
        return new SsemuxException(Kind.PAYLOAD_TOO_LARGE, message, null);
    }

    public static SsemuxException unavailable(String message, Duration retryAfter) {
        return new SsemuxException(Kind.UNAVAILABLE, message, retryAfter);
    }

    public Kind kind() {
        return kind;
    }

    /** When to try again, for {@link Kind#UNAVAILABLE}; {@code null} otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
