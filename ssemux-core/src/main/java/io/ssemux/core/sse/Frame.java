package io.ssemux.core.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * Bytes ready for the wire: one or more complete SSE events or comments, encoded once and shared
 * by every connection that receives them.
 *
 * <p>Immutable and thread-safe. A transport may cache its own form of the bytes (for Netty, a
 * framed buffer) with {@link #transportForm(Function)}, so that form too is made once per frame
 * rather than once per connection.
 */
public final class Frame {
    private final byte[] bytes;
    private volatile Object transportForm;

    private Frame(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A frame of these bytes, which the caller must not change afterwards. */
    public static Frame wrap(byte[] bytes) {
        return new Frame(Objects.requireNonNull(bytes, "bytes"));
    }

    /** The number of bytes on the wire. */
    public int length() {
        return bytes.length;
    }

    /** A read-only view of the bytes. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /**
     * The transport's form of these bytes, made by {@code encoder} on first use and cached.
     * Two threads racing may both run {@code encoder}; one result wins, so it must be pure.
     */
    @SuppressWarnings("unchecked")
    public <T> T transportForm(Function<ByteBuffer, T> encoder) {
        Object form = transportForm;
        if (form == null) {
            form = encoder.apply(asByteBuffer());
            transportForm = form;
        }
        return (T) form;
    }

    /** The bytes as UTF-8 text (for tests and logs). */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
