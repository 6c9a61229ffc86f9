package io.ssemux.spring.web;

import io.ssemux.core.SsemuxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a request's query string, decoded as UTF-8 ({@code +} is a space), read without
 * touching the body (which {@code getParameter} of a servlet request would read for a form).
 * Immutable.
 *
 * <p>Not API: public for the transports of this module.
 */
public final class QueryString {
    private final Map<String, List<String>> parameters;

    private QueryString(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    /**
     * Parses {@code query} (without the {@code ?}; {@code null} for none).
     *
     * @throws SsemuxException {@code BAD_REQUEST} for a malformed percent-encoding
     */
    public static QueryString parse(String query) {
        Map<String, List<String>> parameters = new HashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return new QueryString(parameters);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SsemuxException.badRequest("query: malformed percent-encoding (expected: %XX with two hex digits)");
        }
    }

    /** Every value of {@code name}, in order; empty when absent. */
    public List<String> values(String name) {
        List<String> values = parameters.get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    /** The first value of {@code name}, or {@code null}. */
    public String first(String name) {
        List<String> values = parameters.get(name);
        return values == null ? null : values.get(0);
    }
}
