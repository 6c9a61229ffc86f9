package io.ssemux.http;

import java.util.Locale;

/**
 * ssemux's own endpoints, each at a path under the API's base ({@code /api/sse} by default) and
 * answering one method.
 */
public enum ApiEndpoint {
    /** {@code GET /stream}: opens the stream. */
    STREAM("GET"),
    /** {@code POST /publish}: publishes one event. */
    PUBLISH("POST"),
    /** {@code POST /subscriptions}: changes a live stream's channels. */
    SUBSCRIPTIONS("POST"),
    /** {@code POST /token}: hands a live stream a fresher credential. */
    TOKEN("POST"),
    /** {@code GET /stats}: the hub's counts, for admins. */
    STATS("GET");

    private final String method;

    ApiEndpoint(String method) {
        this.method = method;
    }

    /** The method this endpoint answers; any other gets 405. */
    public String method() {
        return method;
    }

    /** The path below the API's base: {@code /stream}, {@code /publish}, … */
    public String relativePath() {
        return "/" + name().toLowerCase(Locale.ROOT);
    }

    /** The endpoint at {@code relativePath} ({@code /stream}, …), or {@code null} for none. */
    public static ApiEndpoint at(String relativePath) {
        for (ApiEndpoint endpoint : values()) {
            if (endpoint.relativePath().equals(relativePath)) {
                return endpoint;
            }
        }
        return null;
    }
}
