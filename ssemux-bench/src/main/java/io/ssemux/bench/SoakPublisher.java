package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The soak's publisher: events at a steady rate, round-robin over the channels {@code soak-0} …
 * {@code soak-<n-1>}, and big events at their own rate on {@code soak-bulk}, all over one pipelined
 * keep-alive connection (so the events of a channel are published in the order of their numbers).
 * Each event's data is {@code {"seq":N,"c":CHANNEL,"t":MICROS,"p":"xx…"}}, {@code seq} counting per
 * channel from 0, so that a stream can check it sees every event of its channels once and in order.
 * When the server closes the connection, the next tick opens another; the requests that were in
 * flight on it are counted as unanswered.
 *
 * <p>Paced every 10 ms on its connection's event loop; its state is confined there.
 */
final class SoakPublisher {
    static final String USER = "soak-publisher";
    private static final long TICK_MILLIS = 10;

    private final EventLoop loop;
    private final InetSocketAddress server;
    private final String hostHeader;
    private final int channels;
    private final double rate;
    private final int payloadBytes;
    private final double bulkRate;
    private final int bulkBytes;
    private final int maxInFlight;
    private final Outcomes outcomes;
    private final long[] seq;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Channel channel;
    private ChannelFuture connecting;
    private int inFlight;
    private long start;
    private long sent;
    private long bulkSent;
    private long lastConnectAttempt;
    private boolean stopping;
    private ScheduledFuture<?> tick;

    SoakPublisher(
            EventLoopGroup group,
            String host,
            int port,
            int channels,
            double rate,
            int payloadBytes,
            double bulkRate,
            int bulkBytes,
            int maxInFlight,
            Outcomes outcomes) {
        this.loop = group.next();
        this.server = new InetSocketAddress(Loopback.check(host), port);
        this.hostHeader = host + ":" + port;
        this.channels = channels;
        this.rate = rate;
        this.payloadBytes = payloadBytes;
        this.bulkRate = bulkRate;
        this.bulkBytes = bulkBytes;
        this.maxInFlight = maxInFlight;
        this.outcomes = outcomes;
        this.seq = new long[channels + 1];
    }

    /** The name of channel number {@code c}: {@code soak-<c>}, and {@code soak-bulk} for the last. */
    static String channelName(int c, int channels) {
        return c == channels ? "soak-bulk" : "soak-" + c;
    }

    void start() {
        loop.execute(() -> {
            start = System.nanoTime();
            tick = loop.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private void tick() {
        if (stopping) {
            return;
        }
        if (channel == null || !channel.isActive()) {
            connect();
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = (long) Math.floor(rate * elapsed);
        long bulkDue = (long) Math.floor(bulkRate * elapsed);
        boolean wrote = false;
        while (bulkSent < bulkDue && inFlight < maxInFlight) {
            write(channels, bulkBytes);
            bulkSent++;
            wrote = true;
        }
        while (sent < due && inFlight < maxInFlight) {
            write((int) (sent % channels), payloadBytes);
            sent++;
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (sent < due - rate || bulkSent < bulkDue - bulkRate) {
            // More than a second behind: the server answers too slowly. Skip, and say so.
            outcomes.add("publishBehind", due - sent + bulkDue - bulkSent);
            sent = due;
            bulkSent = bulkDue;
        }
    }

    private void write(int c, int bytes) {
        String data = "{\"seq\":" + seq[c]++ + ",\"c\":" + c + ",\"t\":" + System.nanoTime() / 1000 + ",\"p\":\"";
        StringBuilder body = new StringBuilder(bytes + 64)
                .append("{\"channel\":\"")
                .append(channelName(c, channels))
                .append("\",\"type\":\"tick\",\"data\":")
                .append(data);
        int end = body.length() - data.length() + bytes - 2;
        while (body.length() < end) {
            body.append('x');
        }
        body.append("\"}}");
        channel.write(request(body.toString()), channel.voidPromise());
        inFlight++;
    }

    private FullHttpRequest request(String body) {
        ByteBuf content = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/sse/publish", content);
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set("X-User-Id", USER)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return request;
    }

    private void connect() {
        long now = System.nanoTime();
        if ((connecting != null && !connecting.isDone()) || now - lastConnectAttempt < 1_000_000_000L) {
            return;
        }
        if (channel != null) {
            outcomes.count("publisherReconnects");
        }
        lastConnectAttempt = now;
        connecting = ClientTransport.bootstrap(loop) // the connection's handlers share the tick's thread
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), new Responses());
                    }
                })
                .connect(server);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                loop.execute(() -> channel = connecting.channel());
            } else {
                outcomes.problem("publisher: connect failed: " + f.cause());
            }
        });
    }

    /** Stops publishing, waits (5 s at most) for the answers in flight, closes the connection. */
    void stop() throws InterruptedException {
        loop.execute(() -> {
            stopping = true;
            if (tick != null) {
                tick.cancel(false);
            }
            if (inFlight == 0) {
                stopped.countDown();
            }
        });
        stopped.await(5, TimeUnit.SECONDS);
        loop.submit(() -> {
                    if (channel != null) {
                        channel.close();
                    }
                })
                .awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            inFlight--;
            int status = response.status().code();
            outcomes.status("publish", status);
            if (status != 202) {
                outcomes.problem("publish: " + status + " " + response.content().toString(StandardCharsets.UTF_8));
            }
            if (stopping && inFlight == 0) {
                stopped.countDown();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (inFlight > 0) {
                outcomes.add("publishUnanswered", inFlight);
                outcomes.problem("publish: connection closed with " + inFlight + " requests unanswered");
                inFlight = 0;
            }
            if (stopping) {
                stopped.countDown();
            } else {
                outcomes.problem("publish: the server closed the publisher's connection");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!stopping) {
                outcomes.problem("publish: " + cause);
            }
            ctx.close();
        }
    }
}
