package io.ssemux.netty;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RouteHandler} answers: an immutable value.
 *
 * @param status      the HTTP status
 * @param contentType the {@code Content-Type}, or {@code null} with an empty body
 * @param body        the body's bytes
 * @param headers     more headers (for example {@code Retry-After} or {@code Cache-Control})
 */
public record RouteResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public RouteResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
        }
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    /** A JSON answer; {@code json} must be a JSON text. */
    public static RouteResponse json(int status, String json) {
        return new RouteResponse(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An answer of any type. */
    public static RouteResponse of(int status, String contentType, byte[] body) {
        return new RouteResponse(status, contentType, body, Map.of());
    }

    /** The same answer with one more header. */
    public RouteResponse withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new RouteResponse(status, contentType, body, more);
    }
}
