package io.ssemux.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Opens one process's share of the streams at the ramp rate and keeps them open until {@link #close()}.
 * Thread-safe; the connecting runs on an I/O thread, paced every 10 ms.
 */
final class StreamClients implements AutoCloseable {
    private static final long TICK_MILLIS = 10;

    private final ShareSpec spec;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final ClientCounters counters = new ClientCounters();
    private final String hostHeader;
    private final Channel[] http2;
    private int launched; // confined to the ramp's event loop
    private long rampStart;
    private volatile ScheduledFuture<?> ramp;

    StreamClients(ShareSpec spec) {
        this.spec = spec;
        this.group = ClientTransport.newGroup(spec.threads(), "bench-streams");
        this.channels = new DefaultChannelGroup("bench-streams", group.next());
        this.bootstrap = ClientTransport.bootstrap(group)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
        this.remote = new InetSocketAddress(Loopback.check(spec.host()), spec.port());
        this.hostHeader = spec.host() + ":" + spec.port();
        this.http2 = new Channel[spec.http2Connections()];
    }

    /** Starts connecting (after the h2c connections, when there are any); returns then. */
    StreamClients start() {
        for (int i = 0; i < http2.length; i++) {
            http2[i] = connectHttp2Connection(i);
        }
        io.netty.channel.EventLoop loop = group.next();
        loop.execute(() -> {
            rampStart = System.nanoTime();
            ramp = loop.scheduleAtFixedRate(this::rampTick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        });
        return this;
    }

    private void rampTick() {
        long elapsed = System.nanoTime() - rampStart;
        long due = Math.min(spec.count(), (long) (spec.rampPerSecond() * (elapsed / 1e9)) + 1);
        int pending = launched - counters.settledCount();
        while (launched < due && pending < spec.maxPending()) {
            connect(spec.first() + launched);
            launched++;
            pending++;
        }
        if (launched == spec.count()) {
            ramp.cancel(false);
        }
    }

    private void connect(int number) {
        String uri = spec.target().streamUri(spec.channel(), number % spec.users(), spec.ownChannels());
        long start = System.nanoTime();
        if (spec.http2Connections() > 0) {
            connectHttp2(number, uri, start);
            return;
        }
        InetSocketAddress local = new InetSocketAddress(sourceAddress(number), 0);
        ChannelFuture future = bootstrap
                .clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new HttpClientCodec(), new StreamHandler(counters, hostHeader, uri, start));
                    }
                })
                .connect(remote, local);
        channels.add(future.channel());
        future.addListener(f -> {
            if (!f.isSuccess()) {
                counters.failed("connect: " + f.cause());
            }
        });
    }

    /**
     * The stream as an HTTP/2 stream of one of the share's h2c connections (opened on first use):
     * its channel turns frames into the same HTTP objects, so the same {@link StreamHandler} reads it.
     */
    private void connectHttp2(int number, String uri, long start) {
        Channel connection = http2[number % http2.length];
        connection
                .eventLoop()
                .execute(() -> new Http2StreamChannelBootstrap(connection)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline()
                                        .addLast(
                                                new Http2StreamFrameToHttpObjectCodec(false),
                                                new SchemeHeader(),
                                                new StreamHandler(counters, hostHeader, uri, start));
                            }
                        })
                        .open()
                        .addListener(f -> {
                            if (!f.isSuccess()) {
                                counters.failed("h2 stream: " + f.cause());
                            }
                        }));
    }

    /** Connects the share's {@code index}th h2c connection and gives it a large window. Not on an event loop. */
    private Channel connectHttp2Connection(int index) {
        ChannelFuture future = bootstrap
                .clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(Http2FrameCodecBuilder.forClient()
                                        .initialSettings(Http2Settings.defaultSettings()
                                                .initialWindowSize(1 << 20)
                                                .maxConcurrentStreams(1000))
                                        .build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(remote, new InetSocketAddress(sourceAddress(index), 0))
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IllegalStateException("h2c connection: " + future.cause(), future.cause());
        }
        Channel channel = future.channel();
        // The connection's window: as large as the streams' sum may need between reads.
        channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(64 << 20));
        channels.add(channel);
        return channel;
    }

    /** Names the scheme of a request turned into HTTP/2 headers (h2c: http). */
    private static final class SchemeHeader extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpRequest request) {
                request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
            }
            ctx.write(msg, promise);
        }
    }

    private InetAddress sourceAddress(int number) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + number % spec.sourceAddresses())});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether every connect has ended, in a stream or a failure. */
    boolean settled() {
        return counters.settledCount() >= spec.count();
    }

    ClientCounters counters() {
        return counters;
    }

    /** Closes every stream and stops the I/O threads, waiting a few seconds at most. */
    @Override
    public void close() {
        counters.stopping();
        ScheduledFuture<?> r = ramp;
        if (r != null) {
            r.cancel(false);
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
