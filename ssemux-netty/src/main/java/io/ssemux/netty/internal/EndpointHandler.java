package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.ssemux.core.SsemuxException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the endpoint handlers behind {@link RequestRouter} share: each takes the routed requests of
 * its own endpoints, lets the others pass, releases what it took, and answers a failure the same
 * way: an {@link SsemuxException} with its JSON error, anything else with a logged 500.
 *
 * <p>Subclasses hold no per-connection state, so each can be one {@code @Sharable} instance. They
 * run on the event loop and must not block.
 */
abstract class EndpointHandler extends SimpleChannelInboundHandler<NettyRequest> {
    private static final Logger log = LoggerFactory.getLogger(EndpointHandler.class);

    private final Set<Endpoint> endpoints;

    EndpointHandler(Set<Endpoint> endpoints) {
        super(NettyRequest.class);
        this.endpoints = endpoints;
    }

    @Override
    public final boolean acceptInboundMessage(Object msg) {
        return msg instanceof NettyRequest request && endpoints.contains(request.endpoint());
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, NettyRequest request) {
        try {
            serve(ctx, request);
        } catch (SsemuxException e) {
            respond(ctx, Responses.error(e));
        } catch (Exception e) {
            log.error("{} {} failed", request.method(), request.path(), e);
            respond(
                    ctx,
                    Responses.error(
                            HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "internal_error",
                            "the server failed to handle the request; see its log"));
        }
    }

    /** Answers {@code request}, which is released once this returns. */
    abstract void serve(ChannelHandlerContext ctx, NettyRequest request) throws Exception;

    /**
     * Writes {@code response}; after an error (4xx, 5xx) the connection closes
     * ({@code Connection: close}), so a client that sent something wrong cannot keep a socket.
     */
    static void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.status().code() >= 400) {
            HttpUtil.setKeepAlive(response, false); // the keep-alive handler closes after writing it
        }
        ctx.writeAndFlush(response);
    }
}
