package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ssemux.netty.RouteHandler;
import io.ssemux.netty.RouteResponse;
import java.util.EnumSet;

/**
 * Serves the application's {@link RouteHandler}s: hands each the request {@link RequestRouter}
 * matched to it and writes its {@link RouteResponse} as an HTTP response.
 *
 * <pre>
 * p.addLast(api);
 * p.addLast(applicationRoutes);   // NettyRequest of Endpoint.APPLICATION in, FullHttpResponse out
 * </pre>
 *
 * <p>Stateless and {@link Sharable}. Runs on the event loop, and so do the application's handlers.
 */
@Sharable
final class ApplicationRouteHandler extends EndpointHandler {

    ApplicationRouteHandler() {
        super(EnumSet.of(Endpoint.APPLICATION));
    }

    @Override
    void serve(ChannelHandlerContext ctx, NettyRequest req) throws Exception {
        RouteResponse answer = req.route().handler().handle(req);
        FullHttpResponse response =
                Responses.bytes(HttpResponseStatus.valueOf(answer.status()), answer.contentType(), answer.body());
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        respond(ctx, response);
    }
}
