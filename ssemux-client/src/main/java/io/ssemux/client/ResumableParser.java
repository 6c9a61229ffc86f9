package io.ssemux.client;

import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The one {@link SseParser} of a client, shared by its successive connections so that the last event
 * id carries over from one to the next exactly as {@code EventSource} keeps it. One connection at a
 * time is attached and may feed it; bytes of a connection already given up (a dead one still
 * delivering, a cancelled one) are ignored, so two connections never interleave in the parser.
 *
 * <p>Thread-safe: every method holds this object's monitor, and the attached listener is called
 * under it, synchronously, on the thread that feeds. A listener may {@link #detach} itself while it
 * is told of an event: the rest of those bytes is then ignored.
 */
final class ResumableParser {
    private final SseParser parser = new SseParser(new Forwarder());
    private SseListener attached; // guarded by this
    private boolean feeding; // guarded by this
    private boolean endPending; // guarded by this: detached while feeding

    /** Makes {@code listener} the one that may feed and be told; returns the last event id to resume after. */
    synchronized String attach(SseListener listener) {
        attached = listener;
        return parser.lastEventId();
    }

    /**
     * Parses {@code buffers} if {@code from} is attached.
     *
     * @return false if {@code from} is not attached (its bytes are ignored)
     * @throws IllegalStateException if a line or an event is larger than the parser's limit
     */
    synchronized boolean feed(SseListener from, List<ByteBuffer> buffers) {
        if (attached != from) {
            return false;
        }
        feeding = true;
        try {
            for (ByteBuffer buffer : buffers) {
                parser.feed(buffer);
                if (attached != from) {
                    break;
                }
            }
        } finally {
            feeding = false;
            if (endPending) {
                endPending = false;
                parser.endOfStream();
            }
        }
        return true;
    }

    /** Ends the stream of {@code from}, if attached: an unterminated event is discarded, the last event id kept. */
    synchronized void detach(SseListener from) {
        if (attached == from) {
            attached = null;
            if (feeding) {
                endPending = true; // the parser is in the middle of these bytes: end it once they are done
            } else {
                parser.endOfStream();
            }
        }
    }

    /** The last event id: what the next connection sends as {@code Last-Event-ID}; {@code ""} if none yet. */
    synchronized String lastEventId() {
        return parser.lastEventId();
    }

    /** Called only inside {@link #feed}, so {@code attached} is the feeding listener, or {@code null} once it detached. */
    private final class Forwarder implements SseListener {
        @Override
        public void onEvent(SseMessage message) {
            if (attached != null) {
                attached.onEvent(message);
            }
        }

        @Override
        public void onRetry(long millis) {
            if (attached != null) {
                attached.onRetry(millis);
            }
        }

        @Override
        public void onComment(String comment) {
            if (attached != null) {
                attached.onComment(comment);
            }
        }
    }
}
