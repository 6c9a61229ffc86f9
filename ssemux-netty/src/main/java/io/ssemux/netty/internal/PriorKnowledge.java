package io.ssemux.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The first handler of a plain-HTTP connection: reads just enough of its first bytes to tell
 * HTTP/2 with prior knowledge (the connection preface, {@code PRI * HTTP/2.0…}) from HTTP/1.1, has
 * the pipeline set up for that protocol, and leaves, handing on what it read. A connection that
 * says nothing within {@code timeoutNanos} is closed, as a silent HTTP/1.1 one is.
 *
 * <p>One per connection. Runs on the event loop.
 */
final class PriorKnowledge extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Consumer<ChannelHandlerContext> http1;
    private final Consumer<ChannelHandlerContext> http2;
    private final long timeoutNanos;
    private ScheduledFuture<?> timeout;

    /**
     * @param http1 adds the HTTP/1.1 handlers after this one
     * @param http2 adds the HTTP/2 handlers after this one
     */
    PriorKnowledge(Consumer<ChannelHandlerContext> http1, Consumer<ChannelHandlerContext> http2, long timeoutNanos) {
        this.http1 = http1;
        this.http2 = http2;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> ctx.close(), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int seen = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean matches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, seen);
        if (matches && seen < PREFACE.readableBytes()) {
            return; // so far the preface: wait for the rest
        }
        timeout.cancel(false);
        (matches ? http2 : http1).accept(ctx);
        ctx.pipeline().remove(this); // hands what it read to the handlers just added
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
