package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;

/**
 * One SSE stream of the load generator: sends the GET, checks the status, feeds the body to
 * ssemux-core's {@link SseParser} and checks every event's sequence number and latency.
 *
 * <p>Runs on the channel's event loop only; the counters it updates are thread-safe.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter implements SseListener {
    /** One copy buffer per I/O thread, for direct buffers: the parser reads byte arrays. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[16 * 1024];
        }
    };

    private final ClientCounters counters;
    private final String host;
    private final String uri;
    private final long startNanos;
    private final SseParser parser = new SseParser(this, 64 * 1024);
    private boolean connected;
    private boolean refused;
    private long next;

    StreamHandler(ClientCounters counters, String host, String uri, long startNanos) {
        this.counters = counters;
        this.host = host;
        this.uri = uri;
        this.startNanos = startNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers()
                .set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        ctx.writeAndFlush(request);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpResponse response) {
                if (response.status().code() != 200) {
                    refused = true;
                    counters.failed(response.status().toString());
                    ctx.close();
                    return;
                }
                connected = true;
                counters.connected((System.nanoTime() - startNanos) / 1000);
            }
            if (msg instanceof HttpContent content && connected) {
                feed(content.content());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void feed(ByteBuf buf) {
        int n = buf.readableBytes();
        if (buf.hasArray()) {
            parser.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
            return;
        }
        byte[] scratch = SCRATCH.get();
        for (int i = buf.readerIndex(), end = i + n; i < end; ) {
            int chunk = Math.min(scratch.length, end - i);
            buf.getBytes(i, scratch, 0, chunk);
            parser.feed(scratch, 0, chunk);
            i += chunk;
        }
    }

    @Override
    public void onEvent(SseMessage message) {
        String data = message.data();
        long seq = Payload.field(data, Payload.SEQ);
        if (seq < 0) {
            return; // connected, and whatever else the server says that is not a benchmark event
        }
        long micros = System.nanoTime() / 1000 - Payload.field(data, Payload.TIME);
        boolean warmup = Payload.field(data, Payload.WARMUP) == 1;
        if (seq == next) {
            next++;
        } else if (seq > next) {
            counters.gap(seq - next);
            next = seq + 1;
        } else {
            counters.duplicate();
        }
        counters.received(warmup, micros);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connected) {
            counters.closed();
        } else if (!refused) {
            counters.failed("closed before a response");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.error(cause);
        ctx.close();
    }
}
