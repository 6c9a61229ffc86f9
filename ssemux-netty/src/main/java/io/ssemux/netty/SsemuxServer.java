package io.ssemux.netty;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.internal.HttpLimits;
import io.ssemux.netty.internal.ServerInitializer;
import io.ssemux.netty.internal.UploadFiles;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a {@link Hub}: the SSE stream and the JSON API of {@code docs/PROTOCOL.md},
 * on Netty (native epoll where available, NIO elsewhere).
 *
 * <pre>{@code
 * try (Hub hub = Hub.builder().build();
 *      SsemuxServer server = SsemuxServer.builder(hub).port(8080).build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. The server does not own the hub: close the hub first (its streams end
 * cleanly), then the server.
 */
public final class SsemuxServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SsemuxServer.class);
    private static final FixedRecvByteBufAllocator RECEIVE_BUFFERS = new FixedRecvByteBufAllocator(4096);

    private final ServerInitializer initializer;
    private final boolean tls;
    private final boolean trustsAnyone;
    private final boolean trustAnyoneOnNetwork;
    private final int outboundLimitBytes;
    private final int maxSockets;
    private final String host;
    private final int port;
    private final int ioThreads;
    private final int acceptBacklog;
    private final boolean reusePort;
    private final Transport transport;
    private final ChannelGroup channels = new DefaultChannelGroup("ssemux", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    private SsemuxServer(Builder builder) {
        HttpLimits limits = builder.limits();
        this.maxSockets = limits.maxSockets();
        this.initializer = new ServerInitializer(
                builder.hub,
                builder.authenticator,
                builder.routes,
                builder.routeLimits,
                builder.uploads,
                new UploadFiles(null),
                builder.maxBodyBytes,
                cors(builder.allowedOrigins),
                builder.tls == null || builder.http2 ? builder.tls : builder.http11OnlyTls(),
                builder.http2,
                limits,
                builder.authenticator.trustsAnyone() && !builder.trustAnyoneOnNetwork,
                builder.flushWindow,
                channels);
        this.tls = builder.tls != null;
        this.trustsAnyone = builder.authenticator.trustsAnyone();
        this.trustAnyoneOnNetwork = builder.trustAnyoneOnNetwork;
        this.outboundLimitBytes = builder.outboundLimitBytes;
        this.host = builder.host;
        this.port = builder.port;
        this.ioThreads = builder.ioThreads;
        this.acceptBacklog = builder.acceptBacklog;
        this.reusePort = builder.reusePort;
        this.transport = Transport.named(builder.transport);
    }

    public static Builder builder(Hub hub) {
        return new Builder(hub);
    }

    /** Netty's CORS settings for the allowed origins, or null when there are none. */
    private static CorsConfig cors(List<String> origins) {
        if (origins.isEmpty()) {
            return null;
        }
        CorsConfigBuilder cors = origins.contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(origins.toArray(String[]::new)).allowCredentials();
        return cors.allowedRequestMethods(HttpMethod.GET, HttpMethod.POST)
                .allowedRequestHeaders("Content-Type", "Last-Event-ID", "X-User-Id", "Authorization")
                .maxAge(600)
                .build();
    }

    /**
     * Binds and starts serving; returns when the port is bound.
     *
     * @throws IllegalStateException if already started, or if the authenticator trusts anyone and the
     *     address is not a loopback one (unless {@link Builder#trustAnyoneOnNetwork} allows it)
     */
    public synchronized SsemuxServer start() {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        if (trustsAnyone && !trustAnyoneOnNetwork && !isLoopback(host)) {
            throw new IllegalStateException("host " + host + ": the authenticator trusts anyone, so the server listens "
                    + "on loopback only (expected: 127.0.0.1, ::1 or localhost; or configure an authenticator, such as "
                    + "a JWT key; or allow it explicitly for a trial with trustAnyoneOnNetwork)");
        }
        bossGroup = transport.newGroup(1, "ssemux-accept");
        workerGroup = transport.newGroup(ioThreads, "ssemux-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, acceptBacklog)
                .option(transport.reusePortOption(), reusePort)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // One allocator for every connection, whose per-connection handle is smaller than the
                // adaptive one's: a stream reads nothing after its request, and requests are small.
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, RECEIVE_BUFFERS)
                .childOption(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(outboundLimitBytes / 2, outboundLimitBytes))
                .childHandler(initializer);
        try {
            serverChannel = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        log.info(
                "ssemux listening on {}://{}:{} ({} transport, {} I/O threads)",
                tls ? "https" : "http",
                host,
                port(),
                transport.name(),
                ioThreads);
        if (trustsAnyone && !isLoopback(host)) {
            log.warn(
                    "ssemux trusts anyone on a network address: whoever reaches {}:{} can read and publish as any user",
                    host,
                    port());
        }
        return this;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Sockets open now: HTTP/1.1 connections (one per stream) and HTTP/2 connections (each carrying
     * any number of streams).
     */
    public int openSockets() {
        return initializer.openSockets();
    }

    /**
     * The socket layer in use: {@code io_uring}, {@code epoll} or {@code nio} (what {@link
     * Builder#transport} asked for, or what it fell back to).
     */
    public String transport() {
        return transport.name();
    }

    /** Open sockets of every kind the server admits at once ({@link Builder#maxSockets}). */
    public int maxSockets() {
        return maxSockets;
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** Stops accepting, closes every connection and stops the I/O threads, waiting at most a few seconds. Idempotent. */
    @Override
    public synchronized void close() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownGroups();
        initializer.close();
        serverChannel = null;
    }

    private void shutdownGroups() {
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Builds a {@link SsemuxServer}; not thread-safe. */
    public static final class Builder {
        private final Hub hub;
        private Authenticator authenticator = Authenticator.development();
        private String host = "127.0.0.1";
        private int port = 8080;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int acceptBacklog = 4096;
        private String transport = "auto";
        private boolean reusePort;
        private int maxBodyBytes = 64 * 1024;
        private int outboundLimitBytes = 128 * 1024;
        private Duration flushWindow = Duration.ZERO;
        private SslContext tls;
        private Path tlsCertificateChain;
        private Path tlsPrivateKey;
        private boolean http2 = true;
        private boolean trustAnyoneOnNetwork;
        private Duration headerTimeout = Duration.ofSeconds(60);
        private Duration bodyTimeout = Duration.ofSeconds(60);
        private Duration keepAliveTimeout = Duration.ofSeconds(75);
        private int maxSockets;
        private int maxTokenBytes = 8 * 1024;
        private final Map<String, RouteHandler> routes = new LinkedHashMap<>();
        private final List<String> allowedOrigins = new ArrayList<>();
        private final Map<String, Integer> routeLimits = new LinkedHashMap<>();
        private final Map<String, Map.Entry<UploadHandler, Integer>> uploads = new LinkedHashMap<>();

        private Builder(Hub hub) {
            this.hub = Objects.requireNonNull(hub, "hub");
        }

        /** The address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 8080); 0 picks a free one, see {@link #port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            this.port = port;
            return this;
        }

        /** Who a request comes from (default: {@link Authenticator#development()}, not for production). */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Connections the kernel may hold waiting to be accepted (default 4,096; the kernel caps it
         * at {@code net.core.somaxconn}). A reconnect storm after a restart needs room here.
         */
        public Builder acceptBacklog(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("acceptBacklog: " + n + " (expected: > 0)");
            }
            this.acceptBacklog = n;
            return this;
        }

        /**
         * The socket layer: {@code auto} (default: epoll on Linux, NIO elsewhere), {@code io_uring},
         * {@code epoll} or {@code nio}. A native one this machine cannot load falls back to the next
         * (io_uring to epoll to NIO) with a warning saying why.
         *
         * @throws IllegalArgumentException for another name
         */
        public Builder transport(String name) {
            this.transport = Transport.checkName(Objects.requireNonNull(name, "transport"));
            return this;
        }

        /**
         * Binds with {@code SO_REUSEPORT} (default off), so that several servers (one process each) may
         * listen on the same port and the kernel spreads new connections over them: the way to hold
         * more streams on one machine than one process's file limit allows, the nodes sharing events
         * through a cluster backplane. Every process bound to the port must set it.
         */
        public Builder reusePort(boolean reuse) {
            this.reusePort = reuse;
            return this;
        }

        /** I/O threads (default: one per core). */
        public Builder ioThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ioThreads: " + n + " (expected: > 0)");
            }
            this.ioThreads = n;
            return this;
        }

        /** Largest request body (default 64 KiB); larger ones get 413. Routes may have their own limit. */
        public Builder maxBodyBytes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBodyBytes: " + n + " (expected: > 0)");
            }
            this.maxBodyBytes = n;
            return this;
        }

        /** Most bytes waiting to be sent to one stream (default 128 KiB); past it the stream is cut as a slow consumer. */
        public Builder outboundLimitBytes(int n) {
            if (n < 1024) {
                throw new IllegalArgumentException("outboundLimitBytes: " + n + " (expected: >= 1024)");
            }
            this.outboundLimitBytes = n;
            return this;
        }

        /**
         * How long events wait before they are written to the streams (default 0: at once). Events
         * published within one window reach each stream in one write, so a busy server makes fewer
         * system calls, at the price of up to this much added latency. At most one second.
         */
        public Builder flushWindow(Duration window) {
            if (window == null || window.isNegative() || window.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("flushWindow: " + window + " (expected: 0 to 1 s)");
            }
            this.flushWindow = window;
            return this;
        }

        /**
         * Serves an application endpoint: {@code path} is exact ({@code /}) or a prefix ending in
         * {@code /*} ({@code /api/projects/*}). ssemux's own paths cannot be replaced. Its request
         * bodies have the server's limit ({@link #maxBodyBytes}).
         */
        public Builder route(String path, RouteHandler handler) {
            checkRoutePath(path);
            routes.put(path, Objects.requireNonNull(handler, "handler"));
            routeLimits.remove(path);
            uploads.remove(path);
            return this;
        }

        /**
         * Serves an application endpoint, as {@link #route(String, RouteHandler)}, whose request
         * bodies may have up to {@code maxBodyBytes} (an upload, say). The limit is enforced while
         * reading: a larger {@code Content-Length} gets 413 before the body is read. ssemux's own
         * endpoints keep the server's limit whatever the routes say.
         */
        public Builder route(String path, RouteHandler handler, int maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
            }
            route(path, handler);
            routeLimits.put(path, maxBodyBytes);
            return this;
        }

        /**
         * Serves an application endpoint that takes {@code multipart/form-data} uploads of up to
         * {@code maxBodyBytes}, streamed: {@code path} as for {@link #route(String, RouteHandler)}.
         * Its {@link UploadHandler} judges each request's head before the body is read; an accepted
         * body's files go to temporary files as they arrive (those past 16 KiB; the server deletes
         * them when the upload ends, and their directory when it closes), and the handler gets the
         * form once the body has ended. Past {@code maxInFlight} uploads at once on this route, a
         * new one gets 503 with {@code Retry-After} before its body is read. The body limit is
         * enforced while reading, as for any route.
         */
        public Builder upload(String path, UploadHandler handler, int maxBodyBytes, int maxInFlight) {
            checkRoutePath(path);
            Objects.requireNonNull(handler, "handler");
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: > 0)");
            }
            routes.remove(path);
            uploads.put(path, Map.entry(handler, maxInFlight));
            routeLimits.put(path, maxBodyBytes);
            return this;
        }

        /**
         * Serves HTTPS with the certificate chain and private key of these PEM files (PKCS#8 key,
         * unencrypted), instead of plain HTTP.
         *
         * @throws IllegalArgumentException if the files cannot be read as a certificate and its key
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            try {
                // ALPN offers HTTP/2 first: browsers and the JDK's client then carry every stream of a
                // page over one connection.
                this.tls = SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2,
                                ApplicationProtocolNames.HTTP_1_1))
                        .build();
                this.tlsCertificateChain = certificateChain;
                this.tlsPrivateKey = privateKey;
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "tls: cannot use " + certificateChain.getFileName() + " and "
                                + privateKey.getFileName()
                                + " (expected: a PEM certificate chain and its PEM private key): "
                                + e.getMessage(),
                        e);
            }
            return this;
        }

        /**
         * Whether HTTP/2 is offered (default: yes): through ALPN with TLS, with prior knowledge on a
         * plain port. Without it every connection is HTTP/1.1, which costs less memory per stream when
         * each client opens one stream only (docs/BENCHMARKS.md, "HTTP/2 against HTTP/1.1").
         */
        public Builder http2(boolean enabled) {
            this.http2 = enabled;
            return this;
        }

        /** The TLS context without ALPN: HTTP/1.1 only. The files were read once already, by {@link #tls}. */
        private SslContext http11OnlyTls() {
            try {
                return SslContextBuilder.forServer(tlsCertificateChain.toFile(), tlsPrivateKey.toFile())
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("tls: " + e.getMessage(), e);
            }
        }

        /**
         * <b>For trials only:</b> lets a server whose authenticator trusts anyone (the default,
         * development one) listen on an address other than loopback, and serve any {@code Host}.
         * Anyone who reaches it can then read and publish as any user. Default: refused at
         * {@link #start()}, and only loopback names served.
         */
        public Builder trustAnyoneOnNetwork(boolean allow) {
            this.trustAnyoneOnNetwork = allow;
            return this;
        }

        /**
         * Origins whose pages may read the server's answers from another origin (CORS), such as
         * {@code http://localhost:5173}; {@code *} allows any origin, without cookies. Default: none,
         * so only pages of the server's own origin may (put both behind one origin when you can).
         * Like any CORS setting this protects what a page can read, not who may send requests:
         * authenticate with a header token, which a foreign page cannot attach.
         */
        public Builder allowedOrigins(List<String> origins) {
            for (String origin : origins) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                    throw new IllegalArgumentException(
                            "origin: '" + origin + "' (expected: scheme://host[:port], or *)");
                }
            }
            allowedOrigins.clear();
            allowedOrigins.addAll(origins);
            return this;
        }

        /**
         * How long the server waits, as nginx does (defaults 60 s, 60 s, 75 s): for a new
         * connection's request head, for each piece of a request body, and for the next request on
         * a kept-alive connection. Past them the connection is closed. Never applied to an open
         * stream, whose client legitimately sends nothing.
         */
        public Builder timeouts(Duration header, Duration body, Duration keepAlive) {
            checkTimeout(header, "header");
            checkTimeout(body, "body");
            checkTimeout(keepAlive, "keepAlive");
            this.headerTimeout = header;
            this.bodyTimeout = body;
            this.keepAliveTimeout = keepAlive;
            return this;
        }

        /**
         * Open sockets of every kind, streams and requests alike (default: the hub's
         * {@code maxConnections} plus 1,024 for requests, kept 256 below the process's file limit).
         * Past it a new connection gets 503 and is closed; the others go on.
         */
        public Builder maxSockets(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSockets: " + n + " (expected: > 0)");
            }
            this.maxSockets = n;
            return this;
        }

        /**
         * The longest token a request may carry, in the {@code token} query parameter or a header
         * (default 8 KiB). With the hub's {@code maxChannels}, it sets the longest request line
         * (longer gets 414) and header block (larger gets 431).
         */
        public Builder maxTokenBytes(int n) {
            if (n < 256 || n > 64 * 1024) {
                throw new IllegalArgumentException("maxTokenBytes: " + n + " (expected: 256 to 65536)");
            }
            this.maxTokenBytes = n;
            return this;
        }

        private static void checkRoutePath(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
            }
        }

        private static void checkTimeout(Duration timeout, String name) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + ": " + timeout + " (expected: > 0)");
            }
        }

        /**
         * What one connection may cost. The request line fits {@code maxChannels} names of the
         * longest length, each character percent-encoded, and a token; the header block fits a token
         * in a header and in a cookie, besides ordinary headers.
         */
        HttpLimits limits() {
            int channels = hub.config().maxChannels() * (3 * Names.MAX_LENGTH + 3);
            int requestLine = 2048 + channels + maxTokenBytes;
            int headers = 8192 + 2 * maxTokenBytes;
            int sockets =
                    maxSockets > 0 ? maxSockets : defaultMaxSockets(hub.config().maxConnections());
            return new HttpLimits(requestLine, headers, headerTimeout, bodyTimeout, keepAliveTimeout, sockets);
        }

        private static int defaultMaxSockets(int maxConnections) {
            long wanted = (long) maxConnections + 1024;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
                long files = unix.getMaxFileDescriptorCount();
                if (files > 512) {
                    wanted = Math.min(wanted, files - 256);
                }
            }
            return (int) Math.min(Integer.MAX_VALUE, wanted);
        }

        public SsemuxServer build() {
            return new SsemuxServer(this);
        }
    }
}
