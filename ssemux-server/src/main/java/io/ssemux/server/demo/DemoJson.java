package io.ssemux.server.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The demo's one {@link ObjectMapper}, and safe quoting of untrusted text in messages. Thread-safe. */
final class DemoJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int QUOTED_LENGTH = 64;

    private DemoJson() {}

    /** {@code value} as one line of JSON: for event data and HTTP answers. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass() + " as JSON", e);
        }
    }

    /** {@code value} in single quotes, escaped as in JSON and cut at 64 characters: safe in any message. */
    static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > QUOTED_LENGTH ? value.substring(0, QUOTED_LENGTH) + "…" : value;
        return "'" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "'";
    }
}
