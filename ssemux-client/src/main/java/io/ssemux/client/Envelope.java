package io.ssemux.client;

import io.ssemux.core.Names;

/**
 * The data of an event of a {@code format=envelope} stream, split into the channel and the
 * publisher's data, exactly as published: the data is cut out of the text, never parsed or written
 * again. The server writes the envelope in one shape only ({@code {"channel":"<name>","data":<json>}},
 * see {@code EncodedEvent}); channel names need no escaping, so a scan for the closing quote is exact.
 *
 * @param channel the channel the event was published on
 * @param data    the publisher's JSON text
 */
record Envelope(String channel, String data) {
    private static final String PREFIX = "{\"channel\":\"";
    private static final String MIDDLE = "\",\"data\":";

    /** The envelope in {@code text}, or {@code null} if {@code text} is not one. */
    static Envelope parse(String text) {
        if (!text.startsWith(PREFIX) || !text.endsWith("}")) {
            return null;
        }
        int quote = text.indexOf('"', PREFIX.length());
        if (quote < 0 || !text.startsWith(MIDDLE, quote)) {
            return null;
        }
        int dataStart = quote + MIDDLE.length();
        int dataEnd = text.length() - 1;
        String channel = text.substring(PREFIX.length(), quote);
        if (dataStart >= dataEnd || !Names.isValid(channel)) {
            return null;
        }
        return new Envelope(channel, text.substring(dataStart, dataEnd));
    }
}
