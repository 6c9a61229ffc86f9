package io.ssemux.core;

/**
 * The grammar of channel names and event types, and the checks that enforce it.
 *
 * <p>Both are 1 to 128 characters from {@code [A-Za-z0-9_.:-]}. Neither can hold CR, LF or NUL,
 * so no name can forge an SSE field or event. Thread-safe (stateless).
 */
public final class Names {
    /** The channel that means "every channel" when subscribed to; nobody publishes to it. */
    public static final String ALL = "all";
    /** Longest channel name or event type. */
    public static final int MAX_LENGTH = 128;
    /** The grammar, as said in error messages. */
    public static final String GRAMMAR = "[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}";

    private static final String[] RESERVED_TYPES = {
        "connected",
        "evicted",
        "reset",
        "heartbeat",
        "message",
        "token_expiring",
        "token_expired",
        "revoked",
        "draining"
    };

    private Names() {}

    /** Whether {@code name} follows the grammar. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code channel} when it may be subscribed to ({@code all} included). */
    public static String checkSubscribable(String channel) {
        if (!isValid(channel)) {
            throw SsemuxException.badRequest(
                    "channel " + quote(channel) + ": invalid name (expected: " + GRAMMAR + ")");
        }
        return channel;
    }

    /** Returns {@code channel} when events may be published to it ({@code all} excluded). */
    public static String checkPublishable(String channel) {
        checkSubscribable(channel);
        if (ALL.equals(channel)) {
            throw SsemuxException.badRequest(
                    "channel 'all': reserved, it means every channel (expected: a specific channel)");
        }
        return channel;
    }

    /** Returns {@code type} when an application may publish events of that type. */
    public static String checkEventType(String type) {
        if (!isValid(type)) {
            throw SsemuxException.badRequest(
                    "type " + quote(type) + ": invalid event type (expected: " + GRAMMAR + ")");
        }
        for (String reserved : RESERVED_TYPES) {
            if (reserved.equals(type)) {
                throw SsemuxException.badRequest(
                        "type '" + type + "': reserved for the server (expected: another name)");
            }
        }
        return type;
    }

    /** Returns {@code user} when it is 1–128 printable characters without spaces. */
    public static String checkUser(String user) {
        if (user == null || user.isEmpty() || user.length() > MAX_LENGTH) {
            throw SsemuxException.badRequest(
                    "user " + quote(user) + ": invalid user id (expected: 1-" + MAX_LENGTH + " printable characters)");
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c <= ' ' || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw SsemuxException.badRequest(
                        "user " + quote(user) + ": invalid user id (expected: no spaces or control characters)");
            }
        }
        return user;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == ':'
                || c == '-';
    }

    /**
     * Quotes a value for an error message: shortened past 64 characters, control characters escaped
     * so the message stays one line whatever the input was.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        StringBuilder sb = new StringBuilder(shown.length() + 2).append('\'');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < ' ' || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }
}
