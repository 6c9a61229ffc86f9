package io.ssemux.core;

import java.util.Objects;

/**
 * One published event: an immutable value.
 *
 * @param id      assigned by the {@link io.ssemux.core.spi.EventLog}, strictly increasing in publish order
 * @param channel the channel it was published to
 * @param type    the SSE event type (the {@code event:} field)
 * @param data    the JSON text, exactly as published
 */
public record Event(String id, String channel, String type, String data) {
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
