package io.ssemux.netty;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RouteHandler} answers: an immutable value. The body is copied when the answer is
 * made and again each time {@link #body()} is read, so neither the array given nor the one read
 * can change it; {@link #equals}, {@link #hashCode} and {@link #toString} go by the body's content.
 *
 * @param status      the HTTP status
 * @param contentType the {@code Content-Type}, or {@code null} with an empty body
 * @param body        the body's bytes
 * @param headers     more headers (for example {@code Retry-After} or {@code Cache-Control})
 */
@SuppressWarnings("ArrayRecordComponent") // the body is handed to Netty without a copy; never compared or hashed
public record RouteResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public RouteResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
        }
        body = Objects.requireNonNull(body, "body").clone();
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /** A JSON answer; {@code json} must be a JSON text. */
    public static RouteResponse json(int status, String json) {
        return new RouteResponse(
                status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An answer of any type. */
    public static RouteResponse of(int status, String contentType, byte[] body) {
        return new RouteResponse(status, contentType, body, Map.of());
    }

    /** A copy of the body's bytes: changing it changes nothing here. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The same answer with one more header. */
    public RouteResponse withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new RouteResponse(status, contentType, body, more);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteResponse other
                && status == other.status
                && Objects.equals(contentType, other.contentType)
                && Arrays.equals(body, other.body)
                && headers.equals(other.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, Arrays.hashCode(body), headers);
    }

    @Override
    public String toString() {
        return "RouteResponse[status=" + status + ", contentType=" + contentType + ", body=" + body.length
                + " bytes, headers=" + headers + "]";
    }
}
