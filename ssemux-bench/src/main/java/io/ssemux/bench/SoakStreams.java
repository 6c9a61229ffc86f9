package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Queue;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Recorder;

/**
 * The soak's readers: about {@code target} streams open at any time, each for a random lifetime,
 * then closed by the client and replaced. Some replacements resume where the closed stream stopped
 * (same user and channels, its last event id, alternately as the {@code Last-Event-ID} header and
 * as {@code ?lastEventId=}); a stream the server ended without being asked resumes too, as an
 * {@code EventSource} would; an evicted one does not. Every stream checks that it sees the events of
 * each of its channels once and in order, across its resumes.
 *
 * <p>Streams are opened every 100 ms by a ticker on one event loop, at most {@code perTick} at a
 * time. Thread-safe; each stream's state is confined to its channel's event loop.
 */
final class SoakStreams {
    private static final long TICK_MILLIS = 100;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ChannelGroup open;
    private final InetSocketAddress server;
    private final String hostHeader;
    private final Outcomes outcomes;
    private final Recorder latency = new Recorder(Histograms.MAX_MICROS, 3);
    private final Queue<Plan> resumes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger active = new AtomicInteger();
    private final int target;
    private final int perTick;
    private final int users;
    private final int channels;
    private final double minLifeSeconds;
    private final double maxLifeSeconds;
    private final double resumeShare;
    private final double allShare;
    private final double bulkShare;
    private volatile boolean stopping;
    private ScheduledFuture<?> tick;
    private long resumeCount; // confined to the ticker's loop

    /** One stream to open: who, on what, in which format, and where to resume. Immutable once made. */
    private static final class Plan {
        final String user;
        final String channels;
        final boolean envelope;
        final String lastEventId;
        /** Per channel number, the {@code seq} expected next, -1 while unknown; copied by each stream. */
        final long[] next;

        Plan(String user, String channels, boolean envelope, String lastEventId, long[] next) {
            this.user = user;
            this.channels = channels;
            this.envelope = envelope;
            this.lastEventId = lastEventId;
            this.next = next;
        }
    }

    SoakStreams(
            EventLoopGroup group,
            String host,
            int port,
            Outcomes outcomes,
            int target,
            int perTick,
            int users,
            int channels,
            double minLifeSeconds,
            double maxLifeSeconds,
            double resumeShare,
            double allShare,
            double bulkShare) {
        this.group = group;
        this.loop = group.next();
        this.open = new DefaultChannelGroup("soak-streams", loop);
        this.server = new InetSocketAddress(Loopback.check(host), port);
        this.hostHeader = host + ":" + port;
        this.outcomes = outcomes;
        this.target = target;
        this.perTick = perTick;
        this.users = users;
        this.channels = channels;
        this.minLifeSeconds = minLifeSeconds;
        this.maxLifeSeconds = maxLifeSeconds;
        this.resumeShare = resumeShare;
        this.allShare = allShare;
        this.bulkShare = bulkShare;
    }

    void start() {
        loop.execute(() -> tick = loop.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** Streams launched and not yet ended. */
    int active() {
        return active.get();
    }

    /** Publish-to-receive times (µs) of live events since the previous call. */
    Recorder latency() {
        return latency;
    }

    private void tick() {
        for (int i = 0; i < perTick && !stopping && active.get() < target; i++) {
            Plan plan = resumes.poll();
            launch(plan != null ? plan : fresh());
        }
    }

    private Plan fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String user = "soak-u" + random.nextInt(users);
        boolean envelope = random.nextBoolean();
        long[] next = new long[channels + 1];
        Arrays.fill(next, -1);
        if (random.nextDouble() < allShare) {
            return new Plan(user, "all", envelope, null, next);
        }
        StringJoiner names = new StringJoiner(",");
        int first = random.nextInt(channels);
        int count = 1 + random.nextInt(Math.min(3, channels));
        for (int k = 0; k < count; k++) {
            names.add(SoakPublisher.channelName((first + k) % channels, channels));
        }
        if (random.nextDouble() < bulkShare) {
            names.add(SoakPublisher.channelName(channels, channels));
        }
        return new Plan(user, names.toString(), envelope, null, next);
    }

    private void launch(Plan plan) {
        active.incrementAndGet();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean idInQuery = plan.lastEventId != null && resumeCount++ % 2 == 1;
        StringBuilder uri = new StringBuilder("/api/sse/stream?channels=")
                .append(plan.channels)
                .append("&user=")
                .append(plan.user);
        if (plan.envelope) {
            uri.append("&format=envelope");
        }
        if (idInQuery) {
            uri.append("&lastEventId=").append(URLEncoder.encode(plan.lastEventId, StandardCharsets.UTF_8));
        }
        double life = minLifeSeconds + random.nextDouble() * (maxLifeSeconds - minLifeSeconds);
        Stream stream = new Stream(plan, uri.toString(), !idInQuery, (long) (life * 1000));
        ClientTransport.bootstrap(group)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), stream);
                    }
                })
                .connect(server)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        outcomes.problem("stream: connect failed: " + f.cause());
                        ended(null);
                    }
                });
    }

    private void ended(Plan resume) {
        if (resume != null && !stopping) {
            resumes.add(resume);
        }
        active.decrementAndGet();
    }

    /** Stops opening streams and closes the open ones (5 s at most). */
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

    /** One stream: its GET, its parser, its checks. Confined to its channel's event loop. */
    private final class Stream extends ChannelInboundHandlerAdapter implements SseListener {
        private final Plan plan;
        private final String uri;
        private final boolean idInHeader;
        private final long lifeMillis;
        private final SseParser parser = new SseParser(this, 1 << 20);
        private final long[] next;
        private byte[] scratch;
        private boolean opened;
        private boolean closing;
        private boolean evicted;

        Stream(Plan plan, String uri, boolean idInHeader, long lifeMillis) {
            this.plan = plan;
            this.uri = uri;
            this.idInHeader = idInHeader;
            this.lifeMillis = lifeMillis;
            this.next = plan.next.clone();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.add(ctx.channel());
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
            request.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.ACCEPT, "text/event-stream");
            if (plan.lastEventId != null && idInHeader) {
                request.headers().set("Last-Event-ID", plan.lastEventId);
            }
            ctx.writeAndFlush(request);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int status = response.status().code();
                    outcomes.status("stream", status);
                    if (status != 200) {
                        outcomes.problem("stream " + uri + ": " + response.status());
                        ctx.close();
                        return;
                    }
                    opened = true;
                    outcomes.count(plan.lastEventId == null ? "streamsOpened" : "streamsResumed");
                    ctx.executor().schedule(() -> close(ctx), lifeMillis, TimeUnit.MILLISECONDS);
                }
                if (msg instanceof HttpContent content && opened) {
                    feed(content.content());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void close(ChannelHandlerContext ctx) {
            closing = true;
            ctx.close();
        }

        private void feed(ByteBuf buf) {
            int n = buf.readableBytes();
            if (buf.hasArray()) {
                parser.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
                return;
            }
            if (scratch == null || scratch.length < n) {
                scratch = new byte[Math.max(n, 8192)];
            }
            buf.getBytes(buf.readerIndex(), scratch, 0, n);
            parser.feed(scratch, 0, n);
        }

        @Override
        public void onEvent(SseMessage message) {
            switch (message.type()) {
                case "connected", "heartbeat" -> {}
                case "evicted" -> {
                    evicted = true;
                    outcomes.count("streamsEvicted");
                }
                case "reset" -> {
                    outcomes.count("resets");
                    outcomes.problem("stream " + uri + ": reset " + message.data());
                }
                default -> check(message.data());
            }
        }

        private void check(String data) {
            long c = Payload.field(data, "\"c\":");
            long seq = Payload.field(data, Payload.SEQ);
            if (c < 0 || c > channels || seq < 0) {
                outcomes.problem("stream " + uri + ": not a soak event: " + data);
                return;
            }
            int i = (int) c;
            outcomes.count("eventsReceived");
            if (next[i] < 0 || seq == next[i]) {
                next[i] = seq + 1;
            } else if (seq > next[i]) {
                outcomes.add("gaps", seq - next[i]);
                outcomes.problem("stream " + uri + ": channel " + i + " went from " + (next[i] - 1) + " to " + seq);
                next[i] = seq + 1;
            } else {
                outcomes.count("duplicates");
                outcomes.problem("stream " + uri + ": channel " + i + " repeated " + seq + " after " + (next[i] - 1));
            }
            if (plan.lastEventId == null) {
                // Fresh streams get live events only: publish-to-receive time. A resume's replay is older by design.
                long micros = System.nanoTime() / 1000 - Payload.field(data, Payload.TIME);
                latency.recordValue(Math.max(0, Math.min(micros, Histograms.MAX_MICROS)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String id = parser.lastEventId().isEmpty() ? plan.lastEventId : parser.lastEventId();
            Plan same = new Plan(plan.user, plan.channels, plan.envelope, id, next);
            Plan resume = null;
            if (!opened) {
                outcomes.count("streamsRefused");
            } else if (evicted) {
                outcomes.count("streamsEndedEvicted");
            } else if (closing) {
                if (id != null && ThreadLocalRandom.current().nextDouble() < resumeShare) {
                    resume = same;
                }
            } else if (!stopping) {
                outcomes.count("streamsEndedByServer");
                outcomes.problem("stream " + uri + ": ended by the server");
                resume = id == null ? null : same;
            }
            ended(resume);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!closing && !stopping) {
                outcomes.problem("stream " + uri + ": " + cause);
            }
            ctx.close();
        }
    }
}
