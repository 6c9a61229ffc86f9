package io.ssemux.redis;

import java.util.Arrays;

/**
 * A read position over the backplane's K streams: for each, the id of the last entry read. It is
 * the SSE {@code id:} of every event, so it must be compact and safe in a header and a query: with
 * one stream it is that stream's id as Redis writes it ({@code 1732841234567-3}); with K streams it is
 * the newest millisecond in base 36, then for each stream how many milliseconds it is behind, plus
 * {@code -sequence} when that is not 0, each after a dot ({@code mb9c3k2v.0.4-1.1z.0} for K = 4).
 * Immutable.
 */
final class Cursor {
    /** Longer than any cursor of 64 streams; a longer text is refused before it is parsed. */
    private static final int MAX_TEXT = 64 * 28 + 16;

    private final StreamId[] ids;

    private Cursor(StreamId[] ids) {
        this.ids = ids;
    }

    /** Before every entry of every one of {@code k} streams. */
    static Cursor start(int k) {
        StreamId[] ids = new StreamId[k];
        Arrays.fill(ids, StreamId.ZERO);
        return new Cursor(ids);
    }

    static Cursor of(StreamId... ids) {
        return new Cursor(ids.clone());
    }

    int streams() {
        return ids.length;
    }

    StreamId at(int stream) {
        return ids[stream];
    }

    /** This cursor with {@code stream} moved to {@code id}. */
    Cursor with(int stream, StreamId id) {
        StreamId[] moved = ids.clone();
        moved[stream] = id;
        return new Cursor(moved);
    }

    /** Whether this position is at or past {@code other} in every stream. */
    boolean reaches(Cursor other) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].compareTo(other.ids[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    String encode() {
        if (ids.length == 1) {
            return ids[0].toString();
        }
        long newest = 0;
        for (StreamId id : ids) {
            newest = Math.max(newest, id.ms());
        }
        StringBuilder text = new StringBuilder(8 + ids.length * 4).append(Long.toString(newest, 36));
        for (StreamId id : ids) {
            text.append('.').append(Long.toString(newest - id.ms(), 36));
            if (id.seq() != 0) {
                text.append('-').append(Long.toString(id.seq(), 36));
            }
        }
        return text.toString();
    }

    /** Reads a cursor of {@code k} streams; null when {@code text} is not one (of another K, or garbage). */
    static Cursor parse(String text, int k) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
            return null;
        }
        if (k == 1) {
            StreamId id = StreamId.parse(text);
            return id == null ? null : new Cursor(new StreamId[] {id});
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != k + 1) {
            return null;
        }
        long newest = base36(parts[0]);
        if (newest < 0) {
            return null;
        }
        StreamId[] ids = new StreamId[k];
        for (int i = 0; i < k; i++) {
            String part = parts[i + 1];
            int dash = part.indexOf('-');
            long behind = base36(dash < 0 ? part : part.substring(0, dash));
            long seq = dash < 0 ? 0 : base36(part.substring(dash + 1));
            if (behind < 0 || behind > newest || seq < 0 || (dash >= 0 && seq == 0)) {
                return null;
            }
            ids[i] = new StreamId(newest - behind, seq);
        }
        return new Cursor(ids);
    }

    /** A lower-case base-36 number of at most 12 digits, or -1. */
    private static long base36(String digits) {
        if (digits.isEmpty() || digits.length() > 12) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            n = n * 36 + d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cursor other && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return encode();
    }
}
