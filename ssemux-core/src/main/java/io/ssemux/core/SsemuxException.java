package io.ssemux.core;

import java.time.Duration;

/**
 * A request that ssemux refuses, with the {@link Kind} that says why and a message that says
 * exactly what was wrong. A refused request changes nothing. Transports map each kind to their own
 * answer (for HTTP, a status code: see {@code docs/PROTOCOL.md}).
 */
public final class SsemuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Kind {
        /** The request itself is wrong: a bad name, value or shape. */
        BAD_REQUEST("bad_request"),
        /** Nobody could be authenticated. */
        UNAUTHORIZED("unauthorized"),
        /** The user is known but may not do this. */
        FORBIDDEN("forbidden"),
        /** What the request names (a connection, a path) does not exist. */
        NOT_FOUND("not_found"),
        /** The request is larger than a limit. */
        PAYLOAD_TOO_LARGE("payload_too_large"),
        /** The request's body is not of the type the endpoint reads. */
        UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
        /** Not now: a limit is reached or the hub is closing; see {@link #retryAfter()}. */
        UNAVAILABLE("unavailable");

        private final String code;

        Kind(String code) {
            this.code = code;
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

    public static SsemuxException unsupportedMediaType(String message) {
        return new SsemuxException(Kind.UNSUPPORTED_MEDIA_TYPE, message, null);
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
