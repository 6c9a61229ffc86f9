package io.ssemux.core;

import java.util.Objects;
import java.util.Set;

/**
 * What one open stream is, for listeners, logs and the application: an immutable snapshot that can
 * do nothing to the stream.
 *
 * @param id       the unguessable connection id, used by {@code /api/sse/subscriptions}
 * @param user     the user it belongs to
 * @param channels the channels it was subscribed to when the snapshot was taken ({@code all} included)
 * @param format   the data format it asked for
 */
public record ConnectionInfo(String id, String user, Set<String> channels, Format format) {
    public ConnectionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        channels = Set.copyOf(channels);
        Objects.requireNonNull(format, "format");
    }
}
