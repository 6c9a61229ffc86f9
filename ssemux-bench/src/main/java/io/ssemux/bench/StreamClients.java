package io.ssemux.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
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
    }

    /** Starts connecting; returns at once. */
    StreamClients start() {
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
