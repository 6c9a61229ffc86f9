package io.ssemux.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssemux.core.SsemuxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An answer of ssemux's HTTP API, for a server to send as it is: a status, headers and a JSON body.
 * Immutable (its body's bytes are shared, never changed).
 */
public final class HttpAnswer {
    /** The {@code Content-Type} of every answer. */
    public static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    private HttpAnswer(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = Objects.requireNonNull(body, "body");
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The headers, {@code Content-Type} included, by name as sent. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The body's bytes: the answer's own, which the caller sends and must not change. */
    @SuppressWarnings("MutablePublicArray") // sent as they are, without a copy per answer
    public byte[] body() {
        return body;
    }

    /** {@code body} as JSON, with {@code status}. */
    public static HttpAnswer json(int status, Object body) {
        return json(status, body, Map.of());
    }

    private static HttpAnswer json(int status, Object body, Map<String, String> extraHeaders) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass(), e);
        }
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("Content-Type", JSON_CONTENT_TYPE);
        return new HttpAnswer(status, headers, bytes);
    }

    /**
     * The error body of {@code docs/PROTOCOL.md}, {@code {"status":…,"error":…,"message":…}}, with the
     * status of {@code e}'s kind; {@code Retry-After} when it says when to try again,
     * {@code WWW-Authenticate} for a missing or bad credential.
     */
    public static HttpAnswer error(SsemuxException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        if (e.kind() == SsemuxException.Kind.UNAUTHORIZED) {
            headers.put("WWW-Authenticate", "Bearer realm=\"ssemux\"");
        }
        return error(status(e.kind()), e.kind().code(), e.getMessage(), headers);
    }

    /** An error body of this status, code and message. */
    public static HttpAnswer error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    private static HttpAnswer error(int status, String code, String message, Map<String, String> headers) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", status);
        body.put("error", code);
        body.put("message", message);
        return json(status, body, headers);
    }

    /** The 500 of a request that failed for a reason of the server's own (logged by whoever caught it). */
    public static HttpAnswer internalError() {
        return error(500, "internal_error", "the server failed to handle the request; see its log");
    }

    /** The HTTP status of each kind of refusal, as {@code docs/PROTOCOL.md} lists them. */
    public static int status(SsemuxException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAVAILABLE -> 503;
        };
    }

    /** This answer with one more header. */
    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpAnswer(status, more, body);
    }

    /** The value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
