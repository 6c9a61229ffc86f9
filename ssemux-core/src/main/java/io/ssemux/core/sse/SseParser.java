package io.ssemux.core.sse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parses a {@code text/event-stream} per the WHATWG HTML standard (§9.2.6, "Parsing an event
 * stream"), reporting events, {@code retry} values and comments to an {@link SseListener}.
 *
 * <p>Bytes may be {@linkplain #feed(byte[], int, int) fed} in chunks split anywhere: in the middle
 * of a line, between the CR and LF of a CRLF, inside a UTF-8 sequence. The result is the same as for
 * the whole stream in one call. Exactly as the spec says:
 *
 * <ul>
 *   <li>The stream is UTF-8; invalid sequences become U+FFFD as the WHATWG Encoding standard
 *       decodes them. One U+FEFF byte order mark is skipped at the very start of the stream only.
 *   <li>Lines end with CRLF, LF or CR.
 *   <li>A line starting with {@code :} is a comment, reported to {@link SseListener#onComment}.
 *   <li>Otherwise the field name runs to the first {@code :} and the value follows it, with one
 *       leading space removed if present; a line without {@code :} is a field with an empty value.
 *       {@code event} sets the event type, {@code data} appends its value and LF to the data,
 *       {@code id} sets the last event id unless the value contains NUL (effective at the blank
 *       line, see {@link #lastEventId()}), {@code retry} is reported if the value is all ASCII
 *       digits; other fields, and the cases just excluded, are ignored.
 *   <li>A blank line dispatches the event, if it had at least one {@code data} field, with its
 *       type ({@code "message"} if none or empty), its data less the final LF and the last event id,
 *       then forgets type and data. The last event id persists across events.
 *   <li>{@link #endOfStream()} discards an event or line left unterminated.
 * </ul>
 *
 * <p><b>Memory bound.</b> A peer must not make the parser buffer without limit: no line (without its
 * terminator) and no event's data (as dispatched) may exceed {@code maxEventBytes} bytes of UTF-8,
 * by default {@value #DEFAULT_MAX_EVENT_BYTES} (1 MiB). A line counts its field name, so a single
 * {@code data:} line carries a few bytes less. Exceeding the limit throws an {@link
 * IllegalStateException}; the stream cannot be parsed further and should be closed. Internal
 * buffers grow on demand up to that size and are then reused.
 *
 * <p><b>Threading and allocation.</b> Not thread-safe: use one parser per stream, fed by one thread
 * at a time (a single thread, or calls ordered by happens-before such as one Netty channel's event
 * loop). Listener callbacks run synchronously inside {@code feed}. Nothing is allocated per byte
 * and no regex is used: lines that fit in a fed chunk are parsed in place, field names are matched
 * as bytes, and UTF-8 is decoded once per line value (an event's data once, at dispatch). Per
 * dispatched event the parser allocates the {@link SseMessage} and its data string; each {@code
 * event}, {@code id} and comment line allocates its string. A benchmark can therefore reuse one
 * parser per simulated connection and measure allocation per event, not per byte.
 *
 * <p>Decoding per line is exact, not an approximation of decoding the whole stream first: CR, LF
 * and {@code :} are ASCII and the WHATWG decoder never absorbs an ASCII byte into a multi-byte
 * sequence, so splitting bytes at them gives the same text as splitting the decoded text.
 */
public final class SseParser {

    /** The default of {@code maxEventBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    private static final int INITIAL_CAPACITY = 256;
    private static final int COPY_CHUNK = 8192;

    private final SseListener listener;
    private final int maxEventBytes;

    /** The start of a line whose end is not fed yet. */
    private byte[] line;

    private int lineLength;
    /** The data buffer as UTF-8, values joined by LF (the spec's trailing LF is implied). */
    private byte[] data;

    private int dataLength;
    private boolean hasData;
    private String type = "";
    /** The spec's last event ID buffer, set by {@code id} fields. */
    private String idBuffer = "";
    /** The spec's last event ID string of the event source: {@link #idBuffer} at the last blank line. */
    private String lastEventId = "";
    /** The last chunk ended with CR: an LF starting the next one completes that line end. */
    private boolean skipLf;
    /** No line has ended yet, so the first one may start with a byte order mark. */
    private boolean streamStart = true;
    /** For {@link ByteBuffer}s without an accessible array; allocated on first use. */
    private byte[] copyBuffer;

    /**
     * A parser with the default limit of {@value #DEFAULT_MAX_EVENT_BYTES} bytes per line and event.
     *
     * @param listener receives what is parsed
     */
    public SseParser(SseListener listener) {
        this(listener, DEFAULT_MAX_EVENT_BYTES);
    }

    /**
     * A parser that throws {@link IllegalStateException} when a line or an event's data exceeds
     * {@code maxEventBytes} bytes.
     *
     * @param listener receives what is parsed
     * @param maxEventBytes the largest line, and the largest data of one event, in bytes
     * @throws IllegalArgumentException if {@code maxEventBytes} is not positive
     */
    public SseParser(SseListener listener, int maxEventBytes) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        int initialCapacity = Math.min(INITIAL_CAPACITY, maxEventBytes);
        this.line = new byte[initialCapacity];
        this.data = new byte[initialCapacity];
    }

    /**
     * Parses the next {@code length} bytes of the stream, from {@code bytes[offset]}, calling the
     * listener for every line completed. The array is not retained.
     *
     * @param bytes holds the bytes
     * @param offset the index of the first byte
     * @param length the number of bytes, possibly zero
     * @throws IndexOutOfBoundsException if the range is outside {@code bytes}
     * @throws IllegalStateException if a line or an event's data exceeds {@code maxEventBytes}
     */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int end = offset + length;
        int i = offset;
        if (skipLf && i < end) {
            skipLf = false;
            if (bytes[i] == LF) {
                i++;
            }
        }
        int start = i;
        while (i < end) {
            byte b = bytes[i];
            if (b != LF && b != CR) {
                i++;
                continue;
            }
            if (lineLength == 0) {
                processLine(bytes, start, i - start);
            } else {
                appendToLine(bytes, start, i - start);
                int n = lineLength;
                lineLength = 0;
                processLine(line, 0, n);
            }
            i++;
            if (b == CR) {
                if (i == end) {
                    skipLf = true;
                } else if (bytes[i] == LF) {
                    i++;
                }
            }
            start = i;
        }
        appendToLine(bytes, start, end - start);
    }

    /**
     * Parses the remaining bytes of {@code bytes} as the next part of the stream, consuming them (the
     * position moves to the limit). Heap buffers are parsed in place, others through a reused copy
     * buffer.
     *
     * @param bytes the bytes between its position and its limit are parsed
     * @throws IllegalStateException if a line or an event's data exceeds {@code maxEventBytes}
     */
    public void feed(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            int position = bytes.position();
            int length = bytes.remaining();
            bytes.position(bytes.limit());
            feed(bytes.array(), bytes.arrayOffset() + position, length);
            return;
        }
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_CHUNK];
        }
        while (bytes.hasRemaining()) {
            int n = Math.min(bytes.remaining(), copyBuffer.length);
            bytes.get(copyBuffer, 0, n);
            feed(copyBuffer, 0, n);
        }
    }

    /**
     * Ends the stream: an unterminated line, and an event not yet ended by a blank line, are discarded
     * (not dispatched), as the spec requires, and so is an {@code id} field of that event. The parser
     * is then ready for another stream from the start (a byte order mark is skipped again), for
     * example after a reconnection; {@link #lastEventId()} is kept, as browsers carry it into the new
     * connection.
     */
    public void endOfStream() {
        idBuffer = lastEventId;
        lineLength = 0;
        dataLength = 0;
        hasData = false;
        type = "";
        skipLf = false;
        streamStart = true;
    }

    /**
     * The last event id, as {@code EventSource} keeps it and sends it in {@code Last-Event-ID} when it
     * reconnects: the value of the latest valid {@code id} field, {@code ""} initially or after an
     * empty {@code id}. It is kept across events and {@link #endOfStream()}.
     *
     * <p>An {@code id} field takes effect at the blank line that ends its event (the spec copies its
     * last event ID buffer to the source's last event ID string there, even when no event is
     * dispatched). So while an event is being read, this is still the previous id, and an event cut
     * off by the end of the stream leaves it unchanged: a client resuming with it receives that
     * event again instead of skipping it.
     *
     * @return the last event id, never {@code null}
     */
    public String lastEventId() {
        return lastEventId;
    }

    private void appendToLine(byte[] bytes, int offset, int length) {
        if (length > maxEventBytes - lineLength) {
            throw lineTooLong();
        }
        int needed = lineLength + length;
        if (needed > line.length) {
            line = grow(line, needed);
        }
        System.arraycopy(bytes, offset, line, lineLength, length);
        lineLength = needed;
    }

    /** Interprets one line, without its terminator. */
    private void processLine(byte[] bytes, int offset, int length) {
        if (length > maxEventBytes) {
            throw lineTooLong();
        }
        int end = offset + length;
        if (streamStart) {
            streamStart = false;
            if (length >= 3
                    && bytes[offset] == (byte) 0xEF
                    && bytes[offset + 1] == (byte) 0xBB
                    && bytes[offset + 2] == (byte) 0xBF) {
                offset += 3;
            }
        }
        if (offset == end) {
            dispatch();
            return;
        }
        if (bytes[offset] == COLON) {
            int textStart = skipOneSpace(bytes, offset + 1, end);
            listener.onComment(Utf8.decode(bytes, textStart, end - textStart));
            return;
        }
        int nameEnd = offset;
        while (nameEnd < end && bytes[nameEnd] != COLON) {
            nameEnd++;
        }
        int valueStart = nameEnd == end ? end : skipOneSpace(bytes, nameEnd + 1, end);
        int nameLength = nameEnd - offset;
        if (is(DATA, bytes, offset, nameLength)) {
            appendData(bytes, valueStart, end - valueStart);
        } else if (is(EVENT, bytes, offset, nameLength)) {
            type = Utf8.decode(bytes, valueStart, end - valueStart);
        } else if (is(ID, bytes, offset, nameLength)) {
            setIdBuffer(bytes, valueStart, end);
        } else if (is(RETRY, bytes, offset, nameLength)) {
            reportRetry(bytes, valueStart, end);
        }
    }

    private static int skipOneSpace(byte[] bytes, int from, int end) {
        return from < end && bytes[from] == SPACE ? from + 1 : from;
    }

    /** Field names are ASCII, so comparing bytes equals comparing the decoded names. */
    private static boolean is(byte[] name, byte[] bytes, int offset, int length) {
        return length == name.length && Arrays.equals(name, 0, length, bytes, offset, offset + length);
    }

    private void appendData(byte[] bytes, int offset, int length) {
        int separator = hasData ? 1 : 0;
        if (length > maxEventBytes - dataLength - separator) {
            throw new IllegalStateException(
                    "SSE event data exceeds " + maxEventBytes + " bytes (SseParser maxEventBytes)");
        }
        int needed = dataLength + separator + length;
        if (needed > data.length) {
            data = grow(data, needed);
        }
        if (hasData) {
            data[dataLength] = LF;
        }
        System.arraycopy(bytes, offset, data, dataLength + separator, length);
        dataLength = needed;
        hasData = true;
    }

    private void setIdBuffer(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (bytes[i] == 0) {
                return; // an id containing NUL is ignored
            }
        }
        idBuffer = Utf8.decode(bytes, from, end - from);
    }

    /** Reports an all-digit value, saturating at {@link Long#MAX_VALUE}; ignores anything else. */
    private void reportRetry(byte[] bytes, int from, int end) {
        if (from == end) {
            return;
        }
        long millis = 0;
        for (int i = from; i < end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return;
            }
            millis = millis > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : millis * 10 + digit;
        }
        listener.onRetry(millis);
    }

    /** Buffers are reset before the listener runs, so an exception from it leaves a clean state. */
    private void dispatch() {
        lastEventId = idBuffer;
        if (!hasData) {
            type = "";
            return;
        }
        String eventData = Utf8.decode(data, 0, dataLength);
        String eventType = type.isEmpty() ? "message" : type;
        dataLength = 0;
        hasData = false;
        type = "";
        listener.onEvent(new SseMessage(eventType, eventData, lastEventId));
    }

    /** Doubles the capacity, at least to {@code needed} and at most to {@code maxEventBytes}. */
    private byte[] grow(byte[] buffer, int needed) {
        long doubled = 2L * buffer.length;
        return Arrays.copyOf(buffer, (int) Math.min(Math.max(doubled, needed), maxEventBytes));
    }

    private IllegalStateException lineTooLong() {
        return new IllegalStateException("SSE line exceeds " + maxEventBytes + " bytes (SseParser maxEventBytes)");
    }
}
