package io.ssemux.core;

/** How a connection wants each event's data. */
public enum Format {
    /** {@code data:} is the published JSON, unchanged: clients written for one endpoint work as they are. */
    PLAIN,
    /**
     * Every event is an unnamed ({@code message}) event whose data is
     * {@code {"channel":…,"type":…,"data":…}}: one listener gets all of them and can tell channels
     * and types apart, which an {@code EventSource} cannot do for types it did not name in advance.
     * Heartbeats are {@code heartbeat} events rather than comments, so a browser can see them.
     */
    ENVELOPE;

    /** Parses {@code plain} or {@code envelope} (case-insensitive); {@code null} means {@link #PLAIN}. */
    public static Format parse(String value) {
        if (value == null || value.equalsIgnoreCase("plain")) {
            return PLAIN;
        }
        if (value.equalsIgnoreCase("envelope")) {
            return ENVELOPE;
        }
        throw SsemuxException.badRequest("format " + Names.quote(value) + ": unknown (expected: plain or envelope)");
    }
}
