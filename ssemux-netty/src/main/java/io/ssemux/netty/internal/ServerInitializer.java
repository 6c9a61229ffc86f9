package io.ssemux.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsHandler;

/**
 * The pipeline of a new connection: HTTP codec, keep-alive, the body limit of each route with a
 * JSON 413, body aggregation, and the API. A stream request then swaps all of them for
 * {@link SseStreamHandler}.
 *
 * <pre>
 * p.addLast("http", new HttpServerCodec());
 * p.addLast("keepAlive", new HttpServerKeepAliveHandler());
 * p.addLast("cors", new CorsHandler(cors));     // only when origins are allowed
 * p.addLast("bodyLimit", new BodyLimit(routes));
 * p.addLast("body", new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * p.addLast("api", apiHandler);   // shared, stateless
 * </pre>
 */
public final class ServerInitializer extends ChannelInitializer<Channel> {
    private final ServerConfig config;
    private final ChannelGroup channels;
    private final ApiHandler api;

    public ServerInitializer(ServerConfig config, ChannelGroup channels) {
        this.config = config;
        this.channels = channels;
        this.api = new ApiHandler(config);
    }

    @Override
    protected void initChannel(Channel channel) {
        channels.add(channel);
        ChannelPipeline p = channel.pipeline();
        p.addLast(Handlers.HTTP, new HttpServerCodec(4096, 8192, 8192));
        p.addLast(Handlers.KEEP_ALIVE, new HttpServerKeepAliveHandler());
        if (config.cors() != null) {
            p.addLast(Handlers.CORS, new CorsHandler(config.cors()));
        }
        p.addLast(Handlers.BODY_LIMIT, new BodyLimit(config.routes()));
        // Never oversized: the body limit refuses first, with the route's own limit.
        p.addLast(Handlers.BODY, new HttpObjectAggregator(config.routes().largestMaxBodyBytes()));
        p.addLast(Handlers.API, api);
    }
}
