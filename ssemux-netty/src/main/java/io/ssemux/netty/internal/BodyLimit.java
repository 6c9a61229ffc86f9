package io.ssemux.netty.internal;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ssemux.core.SsemuxException;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the body limit of each request's route while the body is read, in front of the
 * aggregator: a {@code Content-Length} over the limit is refused before any byte of the body is
 * read, and a body that grows past it (chunked) is refused as soon as it does. The answer is a
 * JSON 413.
 *
 * <pre>
 * p.addLast(new HttpServerKeepAliveHandler());
 * p.addLast(new BodyLimit(routes));    // in front of the aggregator, which never sees a refused body
 * p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * </pre>
 *
 * <p>The 413 goes out at once with {@code Connection: close}; the rest of the refused body is then
 * read and dropped and the connection closed when it ends (a lingering close, as nginx does), so
 * that a client that is still sending gets to read the answer: closing with unread bytes would
 * reset the connection and could lose it. The body timeout ends a client that stops sending, and
 * {@link MultipartUploadHandler#LINGER_TIME} one that sends for too long. A client that sent
 * {@code Expect: 100-continue} sends no body: the connection closes after the answer. One instance
 * per connection; event loop only.
 */
final class BodyLimit extends ChannelInboundHandlerAdapter {
    private final Routes routes;
    private int limit;
    private long received;
    private ChannelFuture refusal;
    private ScheduledFuture<?> lingerEnd;

    BodyLimit(Routes routes) {
        this.routes = routes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            start(ctx, request);
        } else if (msg instanceof HttpContent content) {
            content(ctx, content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        refusal = null;
        received = 0;
        limit = routes.maxBodyBytes(path(request));
        if (declaredLength(request) > limit) {
            boolean expectsContinue = HttpUtil.is100ContinueExpected(request);
            ReferenceCountUtil.release(request);
            refuse(ctx, expectsContinue);
            return;
        }
        ctx.fireChannelRead(request);
    }

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        if (refusal != null) {
            drop(ctx, content);
            return;
        }
        received += content.content().readableBytes();
        if (received > limit) {
            refuse(ctx, false);
            drop(ctx, content);
            return;
        }
        ctx.fireChannelRead(content);
    }

    private void refuse(ChannelHandlerContext ctx, boolean expectsContinue) {
        FullHttpResponse response = Responses.error(SsemuxException.payloadTooLarge(
                "body: larger than " + limit + " bytes (expected: at most " + limit + ")"));
        HttpUtil.setKeepAlive(response, false);
        if (expectsContinue) {
            refusal = ctx.writeAndFlush(response); // the keep-alive handler closes after writing it
            return;
        }
        // Past the keep-alive handler, which would close at once: the body is dropped until it ends.
        ChannelHandlerContext beforeKeepAlive = ctx.pipeline().context(HttpServerKeepAliveHandler.class);
        refusal = (beforeKeepAlive != null ? beforeKeepAlive : ctx).writeAndFlush(response);
        lingerEnd = ctx.executor()
                .schedule(
                        () -> {
                            ctx.close();
                        },
                        MultipartUploadHandler.LINGER_TIME.toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    /** Drops a refused body's content; closes once it has ended. */
    private void drop(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        ReferenceCountUtil.release(content);
        if (last && ctx.channel().isOpen()) {
            if (lingerEnd != null) {
                lingerEnd.cancel(false);
                lingerEnd = null;
            }
            refusal.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (lingerEnd != null) {
            lingerEnd.cancel(false);
        }
    }

    private static String path(HttpRequest request) {
        try {
            return new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            return ""; // Matches no route, so the server's limit; RequestRouter answers 400.
        }
    }

    private static long declaredLength(HttpRequest request) {
        try {
            return HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            return -1; // The decoder marks the request as failed; RequestRouter answers 400.
        }
    }
}
