package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.ssemux.core.Hub;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.http.HttpApi;
import java.util.EnumSet;

/**
 * Opens a stream ({@code GET /api/sse/stream}): reads the channels, the format and the
 * {@code Last-Event-ID}, has the hub connect the stream, writes the response head, and then has
 * {@link ServerInitializer#switchToStream} swap the connection's HTTP handlers for the stream's
 * {@link SseStreamHandler}. A refusal by the hub (bad channels, too many streams) is a JSON error
 * and leaves the connection as it was.
 *
 * <pre>
 * p.addLast(router);
 * p.addLast(streamUpgrade);   // NettyRequest of Endpoint.STREAM in; afterwards only the stream handler is left
 * p.addLast(api);
 * </pre>
 *
 * <p>The hot path of a connect storm: it allocates the stream's handler, its channel list and the
 * response head, nothing more. Stateless and {@link Sharable}. Runs on the event loop; never blocks.
 */
@Sharable
final class StreamUpgradeHandler extends EndpointHandler {
    private final Hub hub;
    private final StreamExecutors streamExecutors;

    StreamUpgradeHandler(Hub hub, StreamExecutors streamExecutors) {
        super(EnumSet.of(Endpoint.STREAM));
        this.hub = hub;
        this.streamExecutors = streamExecutors;
    }

    @Override
    void serve(ChannelHandlerContext ctx, NettyRequest req) {
        FullHttpRequest request = req.http();
        ConnectRequest connect = HttpApi.connectRequest(req);
        SseStreamHandler.Framing framing = ctx.channel() instanceof Http2StreamChannel
                ? SseStreamHandler.Framing.HTTP2
                : request.protocolVersion().equals(HttpVersion.HTTP_1_0)
                        ? SseStreamHandler.Framing.UNTIL_CLOSE
                        : SseStreamHandler.Framing.CHUNKED;
        SseStreamHandler stream = new SseStreamHandler(
                ctx.channel(), framing, streamExecutors.of(ctx.channel().eventLoop()));
        // The hub queues the opening frames on this event loop: they run after this method returns.
        Connection connection = hub.connect(connect, stream);

        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        HttpApi.STREAM_HEADERS.forEach(response.headers()::set);
        if (framing == SseStreamHandler.Framing.CHUNKED) {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (framing != SseStreamHandler.Framing.HTTP2) {
            // A stream's connection is never reused: saying so keeps clients from pooling it once it ends.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        // Through the HTTP handlers (codec, CORS), which are still there.
        ctx.writeAndFlush(response);
        ServerInitializer.switchToStream(ctx.pipeline(), stream);
        stream.attach(connection);
    }
}
