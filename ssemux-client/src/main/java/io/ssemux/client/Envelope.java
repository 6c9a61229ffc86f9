package io.ssemux.client;

import io.ssemux.core.Names;

/**
 * The data of a published event on a {@code format=envelope} stream, split into channel, type and
 * the publisher's data, exactly as published: the data is cut out of the text, never parsed or
 * written again. The server writes the envelope in one shape only
 * ({@code {"channel":"<name>","type":"<name>","data":<json>}}, see {@code EncodedEvent}); names need
 * no escaping, so a scan for each closing quote is exact.
 *
 * @param channel the channel the event was published on
 * @param type    the event type it was published with
 * @param data    the publisher's JSON text
 */
record Envelope(String channel, String type, String data) {
    private static final String CHANNEL = "{\"channel\":\"";
    private static final String TYPE = "\",\"type\":\"";
    private static final String DATA = "\",\"data\":";

    /** The envelope in {@code text}, or {@code null} if {@code text} is not one. */
    static Envelope parse(String text) {
        if (!text.startsWith(CHANNEL) || !text.endsWith("}")) {
            return null;
        }
        int channelEnd = text.indexOf('"', CHANNEL.length());
        if (channelEnd < 0 || !text.startsWith(TYPE, channelEnd)) {
            return null;
        }
        int typeStart = channelEnd + TYPE.length();
        int typeEnd = text.indexOf('"', typeStart);
        if (typeEnd < 0 || !text.startsWith(DATA, typeEnd)) {
            return null;
        }
        int dataStart = typeEnd + DATA.length();
        int dataEnd = text.length() - 1;
        String channel = text.substring(CHANNEL.length(), channelEnd);
        String type = text.substring(typeStart, typeEnd);
        if (dataStart >= dataEnd || !Names.isValid(channel) || !Names.isValid(type)) {
            return null;
        }
        return new Envelope(channel, type, text.substring(dataStart, dataEnd));
    }
}
