package io.ssemux.core.sse;

import java.util.Objects;

/**
 * One event dispatched by {@link SseParser}, as a browser's {@code EventSource} would deliver it.
 *
 * @param type the {@code event:} field of the event, or {@code "message"} when it had none or an
 *     empty one
 * @param data the {@code data:} field values of the event joined with LF ({@code "\n"}); never
 *     {@code null}, possibly empty (a bare {@code data} line)
 * @param lastEventId the stream's last event id when the event was dispatched: the most recent
 *     {@code id:} field of this or an earlier event, {@code ""} if there was none
 */
public record SseMessage(String type, String data, String lastEventId) {

    /**
     * Rejects {@code null} components.
     *
     * @param type see {@link #type()}
     * @param data see {@link #data()}
     * @param lastEventId see {@link #lastEventId()}
     */
    public SseMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
