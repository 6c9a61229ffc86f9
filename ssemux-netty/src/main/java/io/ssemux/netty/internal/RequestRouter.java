package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a complete request asks for, and answers those that ask for nothing it serves: a
 * malformed request or path gets 400, an unknown path 404, a wrong method on one of ssemux's own
 * endpoints 405 with {@code Allow}. Every other request goes on as a {@link NettyRequest} tagged
 * with its {@link Endpoint}, for the endpoint handler behind it.
 *
 * <pre>
 * p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * p.addLast(router);                  // FullHttpRequest in, NettyRequest out
 * p.addLast(streamUpgrade);           // then the endpoint handlers
 * </pre>
 *
 * <p>A connection whose reading fails (a reset, say) is closed here. Stateless and
 * {@link Sharable}: one instance serves every connection. Runs on the event loop; never blocks.
 */
@Sharable
final class RequestRouter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final Routes routes;
    private final Authenticator authenticator;

    RequestRouter(Routes routes, Authenticator authenticator) {
        this.routes = routes;
        this.authenticator = authenticator;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        NettyRequest routed = null;
        try {
            routed = route(ctx, request);
        } finally {
            if (routed == null) {
                ReferenceCountUtil.release(request);
            }
        }
        if (routed != null) {
            ctx.fireChannelRead(routed);
        }
    }

    /** The request tagged with its endpoint, or {@code null} once it has been answered here. */
    private NettyRequest route(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed HTTP request: " + request.decoderResult().cause().getMessage()));
            return null;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path;
        try {
            path = query.path();
        } catch (IllegalArgumentException e) {
            respond(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "path: malformed percent-encoding (expected: %XX with two hex digits)"));
            return null;
        }
        Endpoint endpoint = Endpoint.own(path);
        if (endpoint != null) {
            HttpMethod allowed = endpoint.method();
            if (!request.method().equals(allowed)) {
                FullHttpResponse response = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                        request.method() + " " + path + ": not allowed (expected: " + allowed + ")");
                response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
                respond(ctx, response);
                return null;
            }
            return new NettyRequest(ctx, request, query, authenticator, endpoint, null);
        }
        Routes.Route route = routes.find(path);
        if (route == null) {
            respond(ctx, Responses.error(SsemuxException.notFound("path " + Names.quote(path) + ": no such endpoint")));
            return null;
        }
        return new NettyRequest(ctx, request, query, authenticator, Endpoint.APPLICATION, route);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
