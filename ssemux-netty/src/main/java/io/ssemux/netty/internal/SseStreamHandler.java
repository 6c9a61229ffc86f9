package io.ssemux.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.util.ReferenceCountUtil;
import io.ssemux.core.CloseReason;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The only handler of a connection (or of an HTTP/2 stream's channel) once its stream has started,
 * and the hub's {@link SseSink} for it. The HTTP codec is gone by then: on HTTP/1.1 frames are
 * written as raw bytes, already framed as HTTP chunks, from a buffer made once per frame and shared
 * by every stream ({@link Frame#transportForm}); on HTTP/2, as DATA frames of the frame's bytes, the
 * end of the stream being an empty DATA frame that ends it.
 *
 * <pre>
 * p.addLast(stream);   // by ServerInitializer.switchToStream, which then removes every HTTP handler
 * </pre>
 *
 * <p>Stateful (one per connection), never shared. Every method runs on the channel's event loop.
 */
final class SseStreamHandler extends ChannelInboundHandlerAdapter implements SseSink {
    private static final ByteBuf LAST_CHUNK =
            Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

    /** How a stream's bytes are framed on its connection. */
    enum Framing {
        /** HTTP/1.1: chunked transfer encoding, ended by the last chunk. */
        CHUNKED,
        /** HTTP/1.0: the bytes as they are, ended by closing the connection. */
        UNTIL_CLOSE,
        /** HTTP/2: DATA frames, ended by one with END_STREAM. */
        HTTP2
    }

    private final Channel channel;
    private final Framing framing;
    private final Executor executor;
    private ChannelHandlerContext ctx;
    private Connection connection;

    SseStreamHandler(Channel channel, Framing framing, Executor executor) {
        this.channel = channel;
        this.framing = framing;
        this.executor = executor;
    }

    /** Called once the hub has registered the stream, before any frame is written. */
    void attach(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Executor executor() {
        return executor; // the channel's event loop, possibly behind a flush window
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void send(Frame frame) {
        ctx.write(wire(frame), ctx.voidPromise());
    }

    /** What goes down the pipeline for a frame: a chunk, the bytes, or a DATA frame of them. */
    private Object wire(Frame frame) {
        return switch (framing) {
            case CHUNKED ->
                frame.<ByteBuf>transportForm(SseStreamHandler::chunk).duplicate();
            case UNTIL_CLOSE -> Unpooled.wrappedBuffer(frame.asByteBuffer());
            case HTTP2 -> new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(frame.asByteBuffer()));
        };
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void close(Frame farewell) {
        if (!channel.isActive()) {
            return;
        }
        if (farewell != null) {
            ctx.write(wire(farewell), ctx.voidPromise());
        }
        Object end = switch (framing) {
            case CHUNKED -> LAST_CHUNK.duplicate();
            case UNTIL_CLOSE -> Unpooled.EMPTY_BUFFER;
            case HTTP2 -> new DefaultHttp2DataFrame(true);
        };
        ctx.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The frame as one HTTP chunk (size in hex, CRLF, the bytes, CRLF) in a direct buffer, so every
     * stream writes the same memory to its socket without a copy. The JDK's cleaner frees it once
     * the frame is gone: it is never released by reference count.
     */
    private static ByteBuf chunk(ByteBuffer bytes) {
        byte[] size = (Integer.toHexString(bytes.remaining()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(size.length + bytes.remaining() + 2);
        direct.put(size).put(bytes).put((byte) '\r').put((byte) '\n').flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).asReadOnly());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A stream's client has nothing more to say; whatever it sends is dropped.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && connection != null) {
            connection.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.closed(CloseReason.CLIENT_GONE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Typically a reset by the peer: the stream is over either way.
        ctx.close();
    }
}
