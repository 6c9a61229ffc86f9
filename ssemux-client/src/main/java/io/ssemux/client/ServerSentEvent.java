package io.ssemux.client;

import java.util.Objects;

/**
 * One event of a plain SSE stream, as a browser's {@code EventSource} would deliver it: what a
 * {@link PlainSseClient} hands its handlers. An immutable value; thread-safe.
 *
 * @param id   the stream's last event id when the event arrived: the most recent {@code id:} field of
 *             this or an earlier event, {@code ""} if there was none; what a reconnection resumes after
 * @param type the {@code event:} field, {@code "message"} when it had none
 * @param data the {@code data:} lines, joined with {@code "\n"}
 */
public record ServerSentEvent(String id, String type, String data) {

    /** Rejects {@code null} components. */
    public ServerSentEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
