package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams that stop reading: each opens a stream on the bulk channel with a 4 KiB receive buffer,
 * reads the response head and then nothing for {@code holdSeconds}, so that the server's queue for
 * it grows until the server cuts it as a slow consumer. Then it reads again: when the server did cut
 * it, what was in flight arrives and the connection ends within {@code drainSeconds} (counted as
 * {@code slowReadersCut}); otherwise the reader closes it ({@code slowReadersNotCut}). Either way a
 * new one takes its place, with a new user, until {@link #stop()}.
 *
 * <p>Thread-safe; each reader's state is confined to its channel's event loop.
 */
final class SlowReaders {
    private final EventLoopGroup group;
    private final ChannelGroup open;
    private final InetSocketAddress server;
    private final String hostHeader;
    private final Outcomes outcomes;
    private final int count;
    private final long holdMillis;
    private final long drainMillis;
    private final String channels;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean stopping;

    SlowReaders(
            EventLoopGroup group,
            String host,
            int port,
            Outcomes outcomes,
            int count,
            double holdSeconds,
            double drainSeconds,
            String channels) {
        this.group = group;
        this.open = new DefaultChannelGroup("soak-slow", group.next());
        this.server = new InetSocketAddress(Loopback.check(host), port);
        this.hostHeader = host + ":" + port;
        this.outcomes = outcomes;
        this.count = count;
        this.holdMillis = (long) (holdSeconds * 1000);
        this.drainMillis = (long) (drainSeconds * 1000);
        this.channels = channels;
    }

    /** Starts the readers one second apart. */
    void start() {
        for (int i = 0; i < count; i++) {
            group.next().schedule(this::launch, i, TimeUnit.SECONDS);
        }
    }

    private void launch() {
        if (stopping) {
            return;
        }
        String user = "soak-slow" + next.getAndIncrement();
        ClientTransport.bootstrap(group)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.SO_RCVBUF, 4096)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Reader(user));
                    }
                })
                .connect(server)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        outcomes.problem("slow reader: connect failed: " + f.cause());
                        group.next().schedule(this::launch, 1, TimeUnit.SECONDS);
                    }
                });
    }

    void stop() {
        stopping = true;
        open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Reader extends ChannelInboundHandlerAdapter {
        private final String user;
        private final StringBuilder head = new StringBuilder();
        private boolean holding;
        private boolean draining;
        private boolean closing;

        Reader(String user) {
            this.user = user;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.add(ctx.channel());
            String request = "GET /api/sse/stream?channels=" + channels + "&user=" + user + " HTTP/1.1\r\n" + "Host: "
                    + hostHeader + "\r\nAccept: text/event-stream\r\n\r\n";
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!holding && !draining) {
                    ByteBuf buf = (ByteBuf) msg;
                    head.append(buf.toString(StandardCharsets.ISO_8859_1));
                    if (head.length() >= 12) {
                        int status = status(head);
                        outcomes.status("slow", status);
                        if (status != 200) {
                            outcomes.problem("slow reader: " + head.substring(0, Math.min(head.length(), 200)));
                            closing = true;
                            ctx.close();
                            return;
                        }
                        outcomes.count("slowReadersStarted");
                        holding = true;
                        ctx.channel().config().setAutoRead(false);
                        ctx.executor().schedule(() -> drain(ctx), holdMillis, TimeUnit.MILLISECONDS);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void drain(ChannelHandlerContext ctx) {
            holding = false;
            draining = true;
            ctx.channel().config().setAutoRead(true);
            ctx.executor()
                    .schedule(
                            () -> {
                                if (ctx.channel().isActive()) {
                                    closing = true;
                                    ctx.close();
                                }
                            },
                            drainMillis,
                            TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (stopping) {
                return;
            }
            if ((holding || draining) && !closing) {
                outcomes.count("slowReadersCut");
            } else if (draining) {
                outcomes.count("slowReadersNotCut");
            } else if (!closing) {
                outcomes.problem("slow reader " + user + ": ended before it stopped reading");
            }
            ctx.executor().schedule(SlowReaders.this::launch, 1, TimeUnit.SECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset while draining is one way for a cut stream to end
        }
    }

    /** The status code of a response head, or 0 when it is not one. */
    static int status(CharSequence head) {
        if (head.length() < 12 || !head.toString().startsWith("HTTP/1.")) {
            return 0;
        }
        try {
            return Integer.parseInt(head.subSequence(9, 12).toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
