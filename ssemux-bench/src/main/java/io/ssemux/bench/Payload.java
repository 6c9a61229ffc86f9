package io.ssemux.bench;

/**
 * The data of a benchmark event, a JSON object whose first fields are fixed so that a reader finds
 * them without a JSON parser: {@code {"seq":N,"t":MICROS,"w":0|1,"p":"xxx…"}}. {@code seq} counts
 * events from 0 in publish order, {@code t} is {@link System#nanoTime()} in microseconds when the
 * publish request was written (comparable across processes of one Linux machine: CLOCK_MONOTONIC),
 * {@code w} marks warm-up events, {@code p} pads the object to the requested size.
 */
final class Payload {
    private Payload() {}

    static String make(long seq, long micros, boolean warmup, int bytes) {
        StringBuilder sb = new StringBuilder(Math.max(bytes, 64))
                .append("{\"seq\":")
                .append(seq)
                .append(",\"t\":")
                .append(micros)
                .append(",\"w\":")
                .append(warmup ? 1 : 0)
                .append(",\"p\":\"");
        while (sb.length() < bytes - 2) {
            sb.append('x');
        }
        return sb.append("\"}").toString();
    }

    /** The non-negative integer after {@code "name":} in {@code data}, or -1 when there is none. */
    static long field(String data, String name) {
        int i = data.indexOf(name);
        if (i < 0) {
            return -1;
        }
        i += name.length();
        long value = 0;
        int start = i;
        for (; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return i == start ? -1 : value;
    }

    static final String SEQ = "\"seq\":";
    static final String TIME = "\"t\":";
    static final String WARMUP = "\"w\":";
}
