package io.ssemux.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP connection that keeps the server waiting, as nginx's timeouts do: a first request
 * head not complete within {@code headerTimeout} of the connection, a body with no byte for
 * {@code bodyTimeout}, a kept-alive connection without a complete next request head within
 * {@code keepAliveTimeout} of the last response. Sockets that send nothing, half a header or less body than
 * they announced are gone by then, and no longer hold a file descriptor.
 *
 * <pre>
 * p.addLast(new HttpServerCodec(...));
 * p.addLast(new HttpTimeouts(header, body, keepAlive));   // sees the decoded request, and our responses
 * </pre>
 *
 * <p>An open SSE stream never times out: the handler leaves with the other HTTP handlers when the
 * stream starts (its read side is legitimately silent; heartbeats keep its write side alive).
 * Stateful, one per connection; every method runs on the event loop.
 */
final class HttpTimeouts extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpTimeouts.class);

    private final long headerNanos;
    private final long bodyNanos;
    private final long keepAliveNanos;
    private ScheduledFuture<?> timer;
    private long lastBodyRead;
    private boolean readingBody;

    HttpTimeouts(long headerNanos, long bodyNanos, long keepAliveNanos) {
        this.headerNanos = headerNanos;
        this.bodyNanos = bodyNanos;
        this.keepAliveNanos = keepAliveNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            await(ctx, headerNanos, "request head");
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        await(ctx, headerNanos, "request head");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            cancel();
            readingBody = !(msg instanceof LastHttpContent);
            if (readingBody) {
                lastBodyRead = System.nanoTime();
                awaitBody(ctx);
            }
        } else if (msg instanceof HttpContent) {
            lastBodyRead = System.nanoTime();
            if (msg instanceof LastHttpContent) {
                readingBody = false;
                cancel();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !readingBody) {
            // A complete response: the next request must come within the keep-alive time.
            promise = promise.unvoid();
            promise.addListener(written -> {
                if (ctx.channel().isActive() && timer == null) {
                    await(ctx, keepAliveNanos, "next request");
                }
            });
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** The body's timer checks, when it fires, whether a byte came meanwhile: one timer per body, not per read. */
    private void awaitBody(ChannelHandlerContext ctx) {
        long left = lastBodyRead + bodyNanos - System.nanoTime();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            timer = null;
                            if (!readingBody) {
                                return;
                            }
                            if (System.nanoTime() - lastBodyRead >= bodyNanos) {
                                expire(ctx, "request body");
                            } else {
                                awaitBody(ctx);
                            }
                        },
                        Math.max(0, left),
                        TimeUnit.NANOSECONDS);
    }

    private void await(ChannelHandlerContext ctx, long nanos, String what) {
        cancel();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            timer = null;
                            expire(ctx, what);
                        },
                        nanos,
                        TimeUnit.NANOSECONDS);
    }

    private static void expire(ChannelHandlerContext ctx, String what) {
        log.debug("closing {}: no {} in time", ctx.channel(), what);
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
