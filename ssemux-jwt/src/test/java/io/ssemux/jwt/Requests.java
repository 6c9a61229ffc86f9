package io.ssemux.jwt;

import io.ssemux.core.spi.RequestInfo;
import java.util.Map;
import java.util.TreeMap;

/** A request as an authenticator sees it: headers (case-insensitive) and query parameters. */
record Requests(Map<String, String> headers, Map<String, String> query) implements RequestInfo {
    static Requests bearer(String token) {
        return headers(Map.of("Authorization", "Bearer " + token));
    }

    static Requests headers(Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return new Requests(h, Map.of());
    }

    static Requests query(String name, String value) {
        return new Requests(Map.of(), Map.of(name, value));
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String queryParameter(String name) {
        return query.get(name);
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }
}
