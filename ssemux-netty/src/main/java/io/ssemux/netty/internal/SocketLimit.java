package io.ssemux.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts every open socket, streams and plain requests alike, against a limit kept below the
 * process's file limit. A connection past it is answered {@code 503} (or, behind TLS, just closed)
 * and closed at once, so the server keeps serving the ones it has instead of running out of file
 * descriptors. Thread-safe.
 */
final class SocketLimit {
    private static final ByteBuf FULL = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                    + "Retry-After: 1\r\nConnection: close\r\nContent-Length: 98\r\n\r\n"
                    + "{\"status\":503,\"error\":\"unavailable\",\"message\":\"too many open connections (expected: retry later)\"}",
            StandardCharsets.US_ASCII));

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    SocketLimit(int max) {
        this.max = max;
    }

    /**
     * Counts {@code channel} until it closes; false (and the channel is being closed) past the limit.
     *
     * @param plainText whether a 503 may be written as bytes (no TLS in front)
     */
    boolean admit(Channel channel, boolean plainText) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            if (plainText) {
                channel.writeAndFlush(FULL.duplicate()).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    int open() {
        return open.get();
    }
}
