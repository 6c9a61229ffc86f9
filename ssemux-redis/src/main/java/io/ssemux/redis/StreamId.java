package io.ssemux.redis;

/**
 * The id of an entry in a Redis stream, {@code <milliseconds>-<sequence>}, ordered as Redis orders
 * them. {@code 0-0} stands before every entry.
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {
    static final StreamId ZERO = new StreamId(0, 0);

    StreamId {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException("stream id: " + ms + "-" + seq + " (expected: no negative part)");
        }
    }

    /** Parses a stream id as Redis writes it; null when {@code text} is not one. */
    static StreamId parse(String text) {
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || dash > 19 || text.length() - dash > 21) {
            return null;
        }
        long ms = parseDigits(text, 0, dash);
        long seq = parseDigits(text, dash + 1, text.length());
        return ms < 0 || seq < 0 ? null : new StreamId(ms, seq);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when it is not one (or does not fit in a long). */
    private static long parseDigits(String text, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || n > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMs = Long.compare(ms, other.ms);
        return byMs != 0 ? byMs : Long.compare(seq, other.seq);
    }

    @Override
    public String toString() {
        return ms + "-" + seq;
    }
}
