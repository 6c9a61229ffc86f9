package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Sends {@link BadInput}s at a steady rate, in turn, each on a connection of its own, and checks
 * what the server does about each: the status it must answer, or that it closes the connection
 * within its timeout (plus {@code slackSeconds}). Outcomes go to {@link Outcomes} as
 * {@code bad <KIND>} statuses, {@code badOk} / {@code badUnexpected} counters and problems; the
 * longest time the server took to close each kind is kept.
 *
 * <p>Thread-safe; each exchange is confined to its channel's event loop.
 */
final class BadInputs {
    private static final long TICK_MILLIS = 50;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ChannelGroup open;
    private final InetSocketAddress server;
    private final String hostHeader;
    private final Outcomes outcomes;
    private final double rate;
    private final int maxOpen;
    private final long headerNanos;
    private final long bodyNanos;
    private final long keepAliveNanos;
    private final long slackNanos;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<BadInput, LongAccumulator> longestClose = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private ScheduledFuture<?> tick;
    // Confined to the ticker's loop.
    private long start;
    private long launched;

    BadInputs(
            EventLoopGroup group,
            String host,
            int port,
            Outcomes outcomes,
            double rate,
            int maxOpen,
            double headerTimeoutSeconds,
            double bodyTimeoutSeconds,
            double keepAliveTimeoutSeconds,
            double slackSeconds) {
        this.group = group;
        this.loop = group.next();
        this.open = new DefaultChannelGroup("soak-bad", loop);
        this.server = new InetSocketAddress(Loopback.check(host), port);
        this.hostHeader = host + ":" + port;
        this.outcomes = outcomes;
        this.rate = rate;
        this.maxOpen = maxOpen;
        this.headerNanos = nanos(headerTimeoutSeconds);
        this.bodyNanos = nanos(bodyTimeoutSeconds);
        this.keepAliveNanos = nanos(keepAliveTimeoutSeconds);
        this.slackNanos = nanos(slackSeconds);
    }

    void start() {
        loop.execute(() -> {
            start = System.nanoTime();
            tick = loop.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private void tick() {
        long due = (long) Math.floor(rate * (System.nanoTime() - start) / 1e9);
        while (launched < due && !stopping) {
            if (active.get() >= maxOpen) {
                outcomes.add("badSkipped", due - launched);
                launched = due;
                return;
            }
            BadInput[] kinds = BadInput.values();
            launch(kinds[(int) (launched++ % kinds.length)]);
        }
    }

    private void launch(BadInput kind) {
        active.incrementAndGet();
        var bootstrap = ClientTransport.bootstrap(group).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        if (kind == BadInput.RESET_MID_REQUEST) {
            bootstrap.option(ChannelOption.SO_LINGER, 0);
        }
        bootstrap
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Exchange(kind));
                    }
                })
                .connect(server)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        active.decrementAndGet();
                        outcomes.problem("bad " + kind + ": connect failed: " + f.cause());
                    }
                });
    }

    void stop() {
        stopping = true;
        loop.submit(() -> {
                    if (tick != null) {
                        tick.cancel(false);
                    }
                })
                .awaitUninterruptibly(5, TimeUnit.SECONDS);
        open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The longest the server took to close each kind that it must close, in seconds. */
    Map<String, Double> longestCloseSeconds() {
        Map<String, Double> answer = new TreeMap<>();
        longestClose.forEach((kind, nanos) -> answer.put(kind.name(), Math.round(nanos.get() / 1e6) / 1000.0));
        return answer;
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    /** One bad request on its own connection. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final BadInput kind;
        private final StringBuilder received = new StringBuilder();
        private long since;
        private int status = -1;
        private boolean done;
        private boolean closing;
        private ScheduledFuture<?> guard;

        Exchange(BadInput kind) {
            this.kind = kind;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.add(ctx.channel());
            since = System.nanoTime();
            byte[] request = kind.request(hostHeader);
            long wait = headerNanos + slackNanos;
            switch (kind) {
                case SLOWLORIS -> trickle(ctx, request, 0);
                case RESET_MID_REQUEST -> {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
                    ctx.executor().schedule(() -> finish(ctx, true, null), 100, TimeUnit.MILLISECONDS);
                }
                case HALF_BODY -> {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(request)).addListener(f -> since = System.nanoTime());
                    wait = bodyNanos + slackNanos;
                }
                default -> {
                    if (request.length > 0) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
                    }
                }
            }
            // Whatever happens, the exchange ends: by the server's hand or, past its timeout, by ours.
            guard = ctx.executor()
                    .schedule(
                            () -> finish(ctx, true, "still open " + (System.nanoTime() - since) / 1_000_000 + " ms"),
                            wait + keepAliveNanos + nanos(5),
                            TimeUnit.NANOSECONDS);
        }

        /** One byte a second, 30 at most: the server's header timeout must end it first. */
        private void trickle(ChannelHandlerContext ctx, byte[] request, int i) {
            if (i >= Math.min(30, request.length) || !ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(request, i, 1));
            ctx.executor().schedule(() -> trickle(ctx, request, i + 1), 1, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf buf = (ByteBuf) msg;
                if (received.length() < 16_384) {
                    received.append(buf.toString(StandardCharsets.ISO_8859_1));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (status < 0 && received.length() >= 12) {
                status = SlowReaders.status(received);
                outcomes.status("bad " + kind, status);
                if (status >= 500) {
                    outcomes.problem("bad " + kind + ": " + firstLine());
                }
                since = System.nanoTime(); // the keep-alive time runs from the response
            }
            if (status < 0) {
                return;
            }
            switch (kind.expect) {
                case STATUS, STATUS_OR_CLOSE -> finish(ctx, true, status == kind.status ? null : "got " + firstLine());
                case RESET_EVENT -> {
                    if (status != kind.status) {
                        finish(ctx, true, "got " + firstLine());
                    } else if (received.indexOf("event: reset") >= 0) {
                        finish(ctx, true, null);
                    }
                }
                case CLOSE_AFTER_KEEP_ALIVE_TIMEOUT -> {
                    if (status != kind.status) {
                        finish(ctx, true, "got " + firstLine());
                    }
                }
                default -> finish(ctx, true, "got " + firstLine() + " (expected: the connection closed)");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done && !closing) {
                long took = System.nanoTime() - since;
                long limit = switch (kind.expect) {
                    case CLOSE_AFTER_BODY_TIMEOUT -> bodyNanos;
                    case CLOSE_AFTER_KEEP_ALIVE_TIMEOUT -> keepAliveNanos;
                    default -> headerNanos;
                };
                String problem = null;
                switch (kind.expect) {
                    case CLOSE_AFTER_HEADER_TIMEOUT, CLOSE_AFTER_BODY_TIMEOUT, STATUS_OR_CLOSE -> {
                        longestClose
                                .computeIfAbsent(kind, k -> new LongAccumulator(Math::max, 0))
                                .accumulate(took);
                        if (took > limit + slackNanos) {
                            problem = String.format(Locale.ROOT, "closed after %.1f s", took / 1e9);
                        }
                    }
                    case CLOSE_AFTER_KEEP_ALIVE_TIMEOUT -> {
                        longestClose
                                .computeIfAbsent(kind, k -> new LongAccumulator(Math::max, 0))
                                .accumulate(took);
                        if (status != kind.status) {
                            problem = "closed without a response";
                        } else if (took > limit + slackNanos) {
                            problem = String.format(Locale.ROOT, "closed after %.1f s", took / 1e9);
                        }
                    }
                    case NOTHING -> {}
                    default -> problem = "closed " + (status < 0 ? "without a response" : "after " + firstLine());
                }
                finish(ctx, false, problem);
            }
            if (guard != null) {
                guard.cancel(false);
            }
            active.decrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset after a refusal (the server closed with our bytes unread) ends the exchange like a close.
            ctx.close();
        }

        /** Records the outcome once; {@code problem} null means the server did what it must. */
        private void finish(ChannelHandlerContext ctx, boolean close, String problem) {
            if (done) {
                return;
            }
            done = true;
            if (problem == null && !stopping) {
                outcomes.count("badOk");
            } else if (!stopping) { // an exchange cut short by the end of the run has no outcome
                outcomes.count("badUnexpected");
                outcomes.problem("bad " + kind + ": " + problem);
            }
            if (close) {
                closing = true;
                ctx.close();
            }
        }

        private String firstLine() {
            int end = received.indexOf("\r\n");
            return received.substring(0, end < 0 ? Math.min(received.length(), 80) : end);
        }
    }
}
