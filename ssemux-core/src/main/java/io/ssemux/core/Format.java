package io.ssemux.core;

/** How a connection wants each event's data. */
public enum Format {
    /** {@code data:} is the published JSON, unchanged: clients written for one endpoint work as they are. */
    PLAIN,
    /** {@code data:} is {@code {"channel":…,"data":…}}, so a client can tell channels apart. */
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
