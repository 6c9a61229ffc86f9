package io.ssemux.core.sse;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding exactly as the WHATWG Encoding standard's "UTF-8 decode without BOM": each maximal
 * invalid subpart becomes one U+FFFD.
 *
 * <p>The JDK decoder is used first because it is intrinsified and builds compact strings directly.
 * It replaces every malformed sequence with at least one U+FFFD, so a result without U+FFFD proves
 * the input was valid UTF-8 and is the unique decoding. Only otherwise (rare, and for Latin-1
 * results the check is free) is the input decoded again by {@link #decodeWhatwg}, because the JDK
 * counts some errors differently: it turns the surrogate sequence {@code ED A0 80} into one U+FFFD
 * where WHATWG requires three.
 */
final class Utf8 {

    private static final char REPLACEMENT = '\uFFFD';

    private Utf8() {}

    /** Decodes {@code length} bytes of {@code bytes} from {@code offset}. */
    static String decode(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return "";
        }
        String fast = new String(bytes, offset, length, StandardCharsets.UTF_8);
        return fast.indexOf(REPLACEMENT) < 0 ? fast : decodeWhatwg(bytes, offset, length);
    }

    /** The WHATWG UTF-8 decoder, step for step (Encoding standard §9.1.1). */
    static String decodeWhatwg(byte[] bytes, int offset, int length) {
        char[] out = new char[length]; // every byte yields at most one char; a 4-byte sequence, two
        int n = 0;
        int codePoint = 0;
        int bytesNeeded = 0;
        int bytesSeen = 0;
        int lower = 0x80;
        int upper = 0xBF;
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (bytesNeeded == 0) {
                i++;
                if (b <= 0x7F) {
                    out[n++] = (char) b;
                } else if (b >= 0xC2 && b <= 0xDF) {
                    bytesNeeded = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    if (b == 0xE0) {
                        lower = 0xA0;
                    } else if (b == 0xED) {
                        upper = 0x9F;
                    }
                    bytesNeeded = 2;
                    codePoint = b & 0x0F;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    if (b == 0xF0) {
                        lower = 0x90;
                    } else if (b == 0xF4) {
                        upper = 0x8F;
                    }
                    bytesNeeded = 3;
                    codePoint = b & 0x07;
                } else {
                    out[n++] = REPLACEMENT;
                }
            } else if (b < lower || b > upper) {
                // Error: the byte is not consumed, it is processed again as the start of a new sequence.
                codePoint = 0;
                bytesNeeded = 0;
                bytesSeen = 0;
                lower = 0x80;
                upper = 0xBF;
                out[n++] = REPLACEMENT;
            } else {
                i++;
                lower = 0x80;
                upper = 0xBF;
                codePoint = (codePoint << 6) | (b & 0x3F);
                if (++bytesSeen == bytesNeeded) {
                    n += Character.toChars(codePoint, out, n);
                    codePoint = 0;
                    bytesNeeded = 0;
                    bytesSeen = 0;
                }
            }
        }
        if (bytesNeeded != 0) {
            out[n++] = REPLACEMENT; // truncated sequence at the end of the line
        }
        return new String(out, 0, n);
    }
}
