package io.ssemux.server.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The demo's one {@link ObjectMapper}. Thread-safe. */
final class DemoJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private DemoJson() {}

    /** {@code value} as one line of JSON: for event data and HTTP answers. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass() + " as JSON", e);
        }
    }
}
