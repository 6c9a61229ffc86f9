package io.ssemux.core.spi;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a resume request: either the events a connection missed, or a reset.
 *
 * @param events      the missed events in id order (empty on a reset)
 * @param resetReason {@code null} when {@code events} is complete; else {@code too_old} or {@code unknown_id}
 * @param headId      the cursor of the present: the newest id assigned (or one a log chooses to stand
 *                    before its first), sent with a reset so the client's cursor moves there
 */
public record Replay(List<EncodedEvent> events, String resetReason, String headId) {
    public static final String TOO_OLD = "too_old";
    public static final String UNKNOWN_ID = "unknown_id";

    public Replay {
        events = List.copyOf(events);
    }

    public static Replay of(List<EncodedEvent> events) {
        return new Replay(events, null, null);
    }

    public static Replay reset(String reason, String headId) {
        return new Replay(List.of(), Objects.requireNonNull(reason, "reason"), headId);
    }

    public boolean isReset() {
        return resetReason != null;
    }
}
