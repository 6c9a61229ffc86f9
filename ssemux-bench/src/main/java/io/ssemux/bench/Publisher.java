package io.ssemux.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes numbered events at a steady rate over one keep-alive HTTP connection, pipelining up to
 * {@code maxInFlight} requests: one connection keeps the publish order, so every stream must see
 * the sequence numbers in order. Paced every millisecond on the connection's event loop; when the
 * server answers too slowly to keep the rate, the events not sent are counted as {@code behind}.
 */
final class Publisher implements AutoCloseable {
    private final Target target;
    private final String hostHeader;
    private final String channelName;
    private final int payloadBytes;
    private final int maxInFlight;
    private final Channel channel;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String firstError;
    // Confined to the event loop.
    private long seq;
    private int inFlight;

    Publisher(
            EventLoopGroup group,
            Target target,
            String host,
            int port,
            String channelName,
            int payloadBytes,
            int maxInFlight) {
        this.target = target;
        this.hostHeader = host + ":" + port;
        this.channelName = channelName;
        this.payloadBytes = payloadBytes;
        this.maxInFlight = maxInFlight;
        this.channel = ClientTransport.bootstrap(group)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), new Responses());
                    }
                })
                .connect(new InetSocketAddress(Loopback.check(host), port))
                .syncUninterruptibly()
                .channel();
    }

    /** The outcome of one phase. */
    record Phase(long sent, long behind) {}

    /** Publishes {@code rate} events a second for {@code seconds}; completes when the time is up. */
    CompletableFuture<Phase> run(double rate, double seconds, boolean warmup) {
        CompletableFuture<Phase> done = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long total = (long) Math.floor(rate * seconds);
            long[] sent = {0};
            ScheduledFuture<?>[] tick = new ScheduledFuture<?>[1];
            tick[0] = channel.eventLoop()
                    .scheduleAtFixedRate(
                            () -> {
                                long now = System.nanoTime();
                                long due = Math.min(total, (long) Math.floor(rate * (now - start) / 1e9) + 1);
                                boolean wrote = false;
                                while (sent[0] < due && inFlight < maxInFlight && channel.isActive()) {
                                    String payload =
                                            Payload.make(seq++, System.nanoTime() / 1000, warmup, payloadBytes);
                                    channel.write(
                                            target.publish(hostHeader, channelName, payload), channel.voidPromise());
                                    inFlight++;
                                    sent[0]++;
                                    wrote = true;
                                }
                                if (wrote) {
                                    channel.flush();
                                }
                                if (now >= end || sent[0] == total || !channel.isActive()) {
                                    tick[0].cancel(false);
                                    done.complete(new Phase(sent[0], total - sent[0]));
                                }
                            },
                            0,
                            1,
                            TimeUnit.MILLISECONDS);
        });
        return done;
    }

    /** Requests answered with a 2xx status: events the server took. */
    long accepted() {
        return accepted.get();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            inFlight--;
            int status = response.status().code();
            if (status >= 200 && status < 300) {
                accepted.incrementAndGet();
            } else {
                errors.incrementAndGet();
                if (firstError == null) {
                    firstError = status + " " + response.content().toString(StandardCharsets.UTF_8);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (firstError == null) {
                firstError = cause.toString();
            }
            ctx.close();
        }
    }
}
