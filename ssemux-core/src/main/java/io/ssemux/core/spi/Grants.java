package io.ssemux.core.spi;

import io.ssemux.core.Names;
import java.util.List;
import java.util.Objects;

/**
 * What a user may do: the channels they may read and publish to, and whether they may read the
 * server's statistics. An immutable value.
 *
 * <p>A pattern is an exact channel name ({@code jobs}) or a prefix ending in {@code *}
 * ({@code project:acme:*}, or {@code *} alone for every channel). Whatever the grants say, a user
 * may always read their own private channel, {@code user:<user>}, and never another user's:
 * {@code user:*} grants nothing of other users' private channels to anyone but an admin.
 *
 * @param subscribe patterns of the channels the user may read
 * @param publish   patterns of the channels the user may publish to
 * @param admin     whether the user may read statistics and every private channel
 */
public record Grants(List<String> subscribe, List<String> publish, boolean admin) {
    /** The prefix of private channels: {@code user:alice} is alice's. */
    public static final String PRIVATE_PREFIX = "user:";

    private static final Grants NONE = new Grants(List.of(), List.of(), false);

    /**
     * Checks every pattern.
     *
     * @throws IllegalArgumentException if a pattern is neither a channel name nor a prefix ending in {@code *}
     */
    public Grants {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
        subscribe.forEach(Grants::checkPattern);
        publish.forEach(Grants::checkPattern);
    }

    private static final Grants ALL = new Grants(List.of("*"), List.of("*"), false);

    /** Every channel to read and publish, except other users' private channels; not admin. */
    public static Grants all() {
        return ALL;
    }

    /** Nothing but the user's own private channel. */
    public static Grants none() {
        return NONE;
    }

    /** Whether {@code channel} is someone's private channel ({@code user:…}). */
    public static boolean isPrivate(String channel) {
        return channel.startsWith(PRIVATE_PREFIX);
    }

    /** Whether these grants read every channel that is not private ({@code *} among the patterns). */
    public boolean readsEveryPublicChannel() {
        return subscribe.contains("*");
    }

    /** Whether {@code user} may read {@code channel}. */
    public boolean maySubscribe(String user, String channel) {
        Objects.requireNonNull(user, "user");
        if (isPrivate(channel)) {
            return admin || channel.equals(PRIVATE_PREFIX + user);
        }
        return matchesAny(subscribe, channel);
    }

    /** Whether the user may publish to {@code channel}. */
    public boolean mayPublish(String channel) {
        return matchesAny(publish, channel);
    }

    /** Whether {@code pattern} is an exact channel name or a prefix ending in {@code *}. */
    public static boolean isPattern(String pattern) {
        if (pattern == null) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return Names.isValid(name);
    }

    private static boolean matchesAny(List<String> patterns, String channel) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*")
                    ? channel.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(channel)) {
                return true;
            }
        }
        return false;
    }

    private static void checkPattern(String pattern) {
        if (!isPattern(pattern)) {
            throw new IllegalArgumentException("pattern " + Names.quote(pattern)
                    + ": invalid (expected: a channel name, or a prefix of one ending in *)");
        }
    }
}
