package io.ssemux.client;

import java.util.Objects;

/**
 * The server could not resume the stream where the client left it (the {@code reset} event of
 * docs/PROTOCOL.md): events may have been missed, so the application must reload its state. Events
 * delivered after this one are complete again.
 *
 * @param reason      why: {@code too_old} (beyond the server's history, or from an earlier run of the
 *                    server) or {@code unknown_id}
 * @param lastEventId the id the client asked to resume after
 */
public record Reset(String reason, String lastEventId) {

    /** Rejects {@code null} components. */
    public Reset {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
