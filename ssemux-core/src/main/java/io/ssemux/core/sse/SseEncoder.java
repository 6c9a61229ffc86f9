package io.ssemux.core.sse;

import java.nio.charset.StandardCharsets;

/**
 * The one place that writes the text/event-stream format.
 *
 * <p>Field values that end up on one line (id, event type, retry, comment) are checked to hold no
 * CR, LF or NUL, so nothing can forge a field or an event; data that spans lines is written as one
 * {@code data:} line per line, which a spec-compliant parser joins back with LF. Thread-safe (stateless).
 */
public final class SseEncoder {
    private SseEncoder() {}

    /**
     * {@code id:} and {@code event:} (each when not null), {@code data:} lines and the blank line that
     * dispatches. Without a type, clients dispatch the event as {@code message}.
     */
    public static Frame event(String id, String type, String data) {
        return Frame.wrap(appendEvent(new StringBuilder(64 + data.length()), id, type, data)
                .toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Appends one event to {@code sb}; see {@link #event}. */
    public static StringBuilder appendEvent(StringBuilder sb, String id, String type, String data) {
        if (id != null) {
            sb.append("id: ").append(checkSingleLine(id, "id")).append('\n');
        }
        if (type != null) {
            sb.append("event: ").append(checkSingleLine(type, "type")).append('\n');
        }
        appendData(sb, data);
        return sb.append('\n');
    }

    /** Appends a {@code retry:} field, which a parser applies without dispatching anything. */
    public static StringBuilder appendRetry(StringBuilder sb, long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("retry: " + millis + " (expected: >= 0)");
        }
        return sb.append("retry: ").append(millis).append('\n');
    }

    /** A comment line, such as a heartbeat, followed by a blank line. */
    public static Frame comment(String text) {
        return Frame.wrap((": " + checkSingleLine(text, "comment") + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void appendData(StringBuilder sb, String data) {
        int start = 0;
        int n = data.length();
        for (int i = 0; i < n; i++) {
            char c = data.charAt(i);
            if (c == '\r' || c == '\n') {
                sb.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        sb.append("data: ").append(data, start, n).append('\n');
    }

    private static String checkSingleLine(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException(field + ": contains CR, LF or NUL (expected: a single line)");
            }
        }
        return value;
    }
}
