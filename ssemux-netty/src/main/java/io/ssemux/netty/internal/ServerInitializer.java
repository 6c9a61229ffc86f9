package io.ssemux.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.RouteHandler;
import io.ssemux.netty.UploadHandler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a connection, and the one place that changes it. A new connection speaks HTTP:
 *
 * <pre>
 * p.addLast(sslContext.newHandler(alloc));           // only with TLS
 * p.addLast(new HttpServerCodec(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), 8192));
 * p.addLast(new HttpTimeouts(...));                   // header, body and keep-alive timeouts
 * p.addLast(new HttpServerKeepAliveHandler());
 * p.addLast(new CorsHandler(cors));                  // only when other origins are allowed
 * p.addLast(new BodyLimit(routes));                  // a JSON 413 for a body over its route's limit
 * p.addLast(new MultipartUploadHandler(...));        // only with upload routes: their bodies stream to disk
 * p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * p.addLast(router);                                 // RequestRouter: 400, 404, 405; tags the rest
 * p.addLast(streamUpgrade);                          // StreamUpgradeHandler: GET /api/sse/stream
 * p.addLast(api);                                    // JsonApiHandler: publish, subscriptions, stats, health
 * p.addLast(applicationRoutes);                      // ApplicationRouteHandler: the application's routes
 * </pre>
 *
 * That is HTTP/1.1. On TLS, ALPN may choose HTTP/2 instead; on plain HTTP, {@link PriorKnowledge}
 * tells the HTTP/2 preface from HTTP/1.1. With HTTP/2 the connection has the frame codec and a
 * multiplexer, and each stream a channel of its own with the codec's HTTP objects and the same
 * handlers from CORS on (see {@link #http2}).
 *
 * Every one of them but TLS is for HTTP only: once a stream opens, {@link #switchToStream} removes
 * them and the pipeline holds the stream's {@link SseStreamHandler} alone (behind TLS, if any). The last four are stateless
 * and shared by every connection; the others are made per connection. {@link #close} deletes the
 * upload routes' temporary directory.
 *
 * <p>Not API: public only for {@code SsemuxServer}. Thread-safe.
 */
public final class ServerInitializer extends ChannelInitializer<Channel> {
    /** The HTTP/2 streams one connection may have open at once: a browser's tabs share one connection. */
    static final int MAX_STREAMS_PER_CONNECTION = 1000;

    private final ChannelGroup channels;
    private final Routes routes;
    private final CorsConfig cors;
    private final SslContext tls;
    private final boolean http2;
    private final HttpLimits limits;
    private final SocketLimit sockets;
    private final RequestRouter router;
    private final StreamUpgradeHandler streamUpgrade;
    private final JsonApiHandler api;
    private final ApplicationRouteHandler applicationRoutes;
    private final Authenticator authenticator;
    private final UploadFiles uploadFiles;
    private final boolean hasUploads;

    /**
     * @param routes        the application's routes by path ({@code /exact} or {@code /prefix/*})
     * @param routeLimits   the body limit of each route that has one of its own
     * @param uploads       the application's upload routes by path, and how many uploads each may have in flight
     * @param uploadFiles   where upload routes' files stream
     * @param maxBodyBytes  the body limit of every other request
     * @param cors          Netty's CORS settings, or {@code null} when no other origin is allowed
     * @param tls           the TLS settings, or {@code null} for plain HTTP
     * @param http2         whether HTTP/2 is spoken (ALPN with TLS, prior knowledge without)
     * @param limits        what one connection may cost, and how many may be open
     * @param loopbackHostsOnly whether to serve only requests whose {@code Host} names this machine
     *                      (while the authenticator trusts anyone, against DNS rebinding)
     * @param flushWindow   how long events wait before they are written to the streams
     * @param channels      where every accepted connection is added, so that the server can close them
     */
    public ServerInitializer(
            Hub hub,
            Authenticator authenticator,
            Map<String, RouteHandler> routes,
            Map<String, Integer> routeLimits,
            Map<String, Map.Entry<UploadHandler, Integer>> uploads,
            UploadFiles uploadFiles,
            int maxBodyBytes,
            CorsConfig cors,
            SslContext tls,
            boolean http2,
            HttpLimits limits,
            boolean loopbackHostsOnly,
            Duration flushWindow,
            ChannelGroup channels) {
        Objects.requireNonNull(hub, "hub");
        Map<String, Routes.Route> byPath = new LinkedHashMap<>();
        routes.forEach((path, handler) ->
                byPath.put(path, new Routes.Route(handler, routeLimits.getOrDefault(path, maxBodyBytes))));
        uploads.forEach((path, upload) -> byPath.put(
                path,
                new Routes.Route(
                        null,
                        new UploadRoute(upload.getKey(), upload.getValue(), uploadFiles),
                        routeLimits.getOrDefault(path, maxBodyBytes))));
        this.uploadFiles = Objects.requireNonNull(uploadFiles, "uploadFiles");
        this.hasUploads = !uploads.isEmpty();
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.routes = new Routes(byPath, maxBodyBytes);
        this.cors = cors;
        this.tls = tls;
        this.http2 = http2;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.sockets = new SocketLimit(limits.maxSockets());
        this.channels = Objects.requireNonNull(channels, "channels");
        this.router = new RequestRouter(
                this.routes, Objects.requireNonNull(authenticator, "authenticator"), loopbackHostsOnly);
        this.streamUpgrade = new StreamUpgradeHandler(hub, new StreamExecutors(flushWindow.toNanos()));
        this.api = new JsonApiHandler(hub, authenticator.trustsAnyone());
        this.applicationRoutes = new ApplicationRouteHandler();
    }

    @Override
    protected void initChannel(Channel channel) {
        if (!sockets.admit(channel, tls == null)) {
            return;
        }
        channels.add(channel);
        ChannelPipeline p = channel.pipeline();
        if (tls != null) {
            p.addLast(tls.newHandler(channel.alloc()));
        }
        if (!http2) {
            http1(p);
        } else if (tls != null) {
            p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        http2(ctx.pipeline());
                    } else {
                        http1(ctx.pipeline());
                    }
                }
            });
        } else {
            p.addLast(new PriorKnowledge(
                    ctx -> http1(ctx.pipeline()),
                    ctx -> http2(ctx.pipeline()),
                    limits.headerTimeout().toNanos()));
        }
    }

    /** HTTP/1.1 (and 1.0): the handlers of the class notes. */
    private void http1(ChannelPipeline p) {
        p.addLast(new HttpServerCodec(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), 8192));
        p.addLast(new HttpTimeouts(
                limits.headerTimeout().toNanos(),
                limits.bodyTimeout().toNanos(),
                limits.keepAliveTimeout().toNanos()));
        p.addLast(new HttpServerKeepAliveHandler());
        requestHandlers(p);
    }

    /**
     * HTTP/2: each request is a stream of the connection, with a channel of its own whose pipeline
     * turns its frames into the same HTTP objects as HTTP/1.1 and then has the same handlers; an open
     * SSE stream is one HTTP/2 stream, its flow-control window part of its writability. A connection
     * with no traffic (not even a stream's heartbeat) for the keep-alive timeout is closed.
     */
    private void http2(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_STREAMS_PER_CONNECTION)
                        .maxHeaderListSize(limits.maxHeaderBytes() + (long) limits.maxRequestLineBytes()))
                .build());
        p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setWriteBufferWaterMark(stream.parent().config().getWriteBufferWaterMark());
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                requestHandlers(stream.pipeline());
            }
        }));
        p.addLast(new IdleStateHandler(0, 0, limits.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
                ctx.close();
            }
        });
    }

    /** What serves a request once it is HTTP objects, in HTTP/1.1 and in each HTTP/2 stream alike. */
    private void requestHandlers(ChannelPipeline p) {
        if (cors != null) {
            p.addLast(new CorsHandler(cors));
        }
        p.addLast(new BodyLimit(routes));
        if (hasUploads) {
            p.addLast(new MultipartUploadHandler(routes, router, authenticator));
        }
        // Never oversized: the body limit refuses first, with the route's own limit.
        p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
        p.addLast(router);
        p.addLast(streamUpgrade);
        p.addLast(api);
        p.addLast(applicationRoutes);
    }

    /** Sockets open now: HTTP/1.1 connections and HTTP/2 connections (whatever their streams). */
    public int openSockets() {
        return sockets.open();
    }

    /** Deletes the upload routes' temporary files, once the connections are closed. Idempotent. */
    public void close() {
        uploadFiles.close();
    }

    /**
     * Turns an HTTP connection into a stream: from here on it carries only SSE bytes, so every
     * handler {@link #initChannel} added goes and {@code stream} is left alone in the pipeline.
     * Call it on the event loop, once the response head has been written through the HTTP handlers.
     */
    static void switchToStream(ChannelPipeline p, SseStreamHandler stream) {
        p.addLast(stream);
        for (String name : p.names()) {
            ChannelHandler handler = p.get(name);
            if (handler != null && handler != stream && !(handler instanceof SslHandler)) {
                p.remove(handler);
            }
        }
    }
}
