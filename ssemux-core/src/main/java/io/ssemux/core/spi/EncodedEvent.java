package io.ssemux.core.spi;

import io.ssemux.core.Event;
import io.ssemux.core.Format;
import io.ssemux.core.sse.ControlEvents;
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
    private final long acceptedNanos = System.nanoTime();
    private volatile Frame envelope;

    private EncodedEvent(Event event, boolean control) {
        this.event = event;
        this.plain = SseEncoder.event(event.id(), event.type(), event.data());
        this.envelope = control ? plain : null;
    }

    /** Encodes {@code event} in the plain format now, and in the envelope format on first use. */
    public static EncodedEvent of(Event event) {
        return new EncodedEvent(event, false);
    }

    /**
     * One of the server's own events (such as {@code reset}), sent in order with the live ones: the
     * same bytes in every format, since clients of the envelope format read server events unwrapped
     * too. Its channel is empty.
     */
    public static EncodedEvent control(String id, String type, String data) {
        return new EncodedEvent(new Event(id, "", type, data), true);
    }

    public Event event() {
        return event;
    }

    /** When it was encoded ({@link System#nanoTime()}): for live events, when the hub took it. */
    public long acceptedNanos() {
        return acceptedNanos;
    }

    /** The bytes for a connection of the given format. */
    public Frame frame(Format format) {
        if (format == Format.PLAIN) {
            return plain;
        }
        Frame f = envelope;
        if (f == null) {
            String data = new ControlEvents.Envelope(event.channel(), event.type(), event.data()).toJson();
            f = SseEncoder.event(event.id(), null, data);
            envelope = f;
        }
        return f;
    }

    /**
     * An estimate of the memory this event holds while retained: its data, its plain frame twice
     * (the frame and the transport's copy of it) and object overhead. Envelope frames are made on
     * demand and not counted.
     */
    public long retainedBytes() {
        return 2L * plain.length() + event.data().length() + 128;
    }
}
