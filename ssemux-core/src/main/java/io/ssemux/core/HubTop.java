package io.ssemux.core;

import java.util.List;

/**
 * The channels with the most subscribers and the users with the most open streams, largest first
 * (ties by name), as {@link Hub#top} found them.
 *
 * @param channels open streams per channel ({@code all} included), at most the number asked for
 * @param users    open streams per user, at most the number asked for
 */
public record HubTop(List<Entry> channels, List<Entry> users) {
    public HubTop {
        channels = List.copyOf(channels);
        users = List.copyOf(users);
    }

    /**
     * One channel or user and its count.
     *
     * @param name  the channel or user
     * @param count its subscribers or open streams
     */
    public record Entry(String name, int count) {}
}
