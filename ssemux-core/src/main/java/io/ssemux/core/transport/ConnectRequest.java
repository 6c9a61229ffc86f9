package io.ssemux.core.transport;

import io.ssemux.core.Format;
import io.ssemux.core.spi.Principal;
import java.util.List;
import java.util.Objects;

/**
 * What a client asks for when it opens its stream.
 *
 * @param principal     who opens it, as the authenticator said: the user, what they may read, and
 *                      when their credential expires
 * @param channels      the channels to subscribe to ({@code all} for every channel the user may read)
 * @param format        the data format
 * @param lastEventId   the id to resume after, or {@code null} for a fresh start
 * @param remoteAddress the client's address, for logs
 */
public record ConnectRequest(
        Principal principal, List<String> channels, Format format, String lastEventId, String remoteAddress) {
    public ConnectRequest {
        Objects.requireNonNull(principal, "principal");
        channels = List.copyOf(Objects.requireNonNull(channels, "channels"));
        Objects.requireNonNull(format, "format");
    }

    /** The user who opens the stream. */
    public String user() {
        return principal.user();
    }
}
