package io.ssemux.core.transport;

import io.ssemux.core.Format;
import java.util.List;
import java.util.Objects;

/**
 * What a client asks for when it opens its stream.
 *
 * @param user          the authenticated user
 * @param channels      the channels to subscribe to ({@code all} for every channel)
 * @param format        the data format
 * @param lastEventId   the id to resume after, or {@code null} for a fresh start
 * @param remoteAddress the client's address, for logs
 */
public record ConnectRequest(String user, List<String> channels, Format format, String lastEventId, String remoteAddress) {
    public ConnectRequest {
        Objects.requireNonNull(user, "user");
        channels = List.copyOf(Objects.requireNonNull(channels, "channels"));
        Objects.requireNonNull(format, "format");
    }
}
