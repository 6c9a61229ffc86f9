package io.ssemux.core;

import io.ssemux.core.sse.Frame;
import io.ssemux.core.sse.SseEncoder;

/**
 * An {@link Event} with its wire bytes, encoded once per {@link Format} and shared by every
 * connection that receives it, live or in a replay.
 *
 * <p>Thread-safe: the envelope form is made on first use; a race makes it twice, harmlessly.
 */
public final class EncodedEvent {
    private final Event event;
    private final Frame plain;
    private volatile Frame envelope;

    private EncodedEvent(Event event) {
        this.event = event;
        this.plain = SseEncoder.event(event.id(), event.type(), event.data());
    }

    /** Encodes {@code event} in the plain format now, and in the envelope format on first use. */
    public static EncodedEvent of(Event event) {
        return new EncodedEvent(event);
    }

    public Event event() {
        return event;
    }

    /** The bytes for a connection of the given format. */
    public Frame frame(Format format) {
        if (format == Format.PLAIN) {
            return plain;
        }
        Frame f = envelope;
        if (f == null) {
            // Channel names need no JSON escaping: their grammar has no quote, backslash or control character.
            String data = "{\"channel\":\"" + event.channel() + "\",\"data\":" + event.data() + "}";
            f = SseEncoder.event(event.id(), event.type(), data);
            envelope = f;
        }
        return f;
    }

    /** Bytes held by this event's frames, for memory accounting. */
    public long retainedBytes() {
        Frame f = envelope;
        return plain.length() + (f == null ? 0 : f.length()) + 2L * event.data().length() + 96;
    }
}
