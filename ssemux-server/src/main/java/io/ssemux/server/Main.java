package io.ssemux.server;

import io.ssemux.core.Hub;
import io.ssemux.core.HubBuilder;
import io.ssemux.core.HubConfig;
import io.ssemux.core.Names;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.SsemuxServer;
import io.ssemux.redis.RedisBackplane;
import io.ssemux.server.demo.DemoSettings;
import io.ssemux.server.demo.PhotoDemo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The runnable ssemux server. Every option has an environment variable of the same meaning. */
@Command(
        name = "ssemux",
        mixinStandardHelpOptions = true,
        version = "ssemux 0.1.0",
        description = "One Server-Sent Events connection per user, multiplexed by channel.",
        sortOptions = false,
        showDefaultValues = true)
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(
            names = "--host",
            defaultValue = "${env:SSEMUX_HOST:-127.0.0.1}",
            description = "Address to bind; 0.0.0.0 for every interface. Env SSEMUX_HOST.")
    String host;

    @Option(
            names = "--port",
            defaultValue = "${env:SSEMUX_PORT:-8080}",
            description = "Port; 0 picks a free one and logs it. Env SSEMUX_PORT.")
    int port;

    @Option(
            names = "--heartbeat-seconds",
            defaultValue = "${env:SSEMUX_HEARTBEAT_SECONDS:-30}",
            description =
                    "Interval of the heartbeat on every stream (may be fractional). Env SSEMUX_HEARTBEAT_SECONDS.")
    double heartbeatSeconds;

    @Option(
            names = "--retry-millis",
            defaultValue = "${env:SSEMUX_RETRY_MILLIS:-3000}",
            description = "Reconnection delay sent to clients in 'retry:'. Env SSEMUX_RETRY_MILLIS.")
    long retryMillis;

    @Option(
            names = "--max-connections-per-user",
            defaultValue = "${env:SSEMUX_MAX_CONNECTIONS_PER_USER:-6}",
            description = "One more evicts the user's oldest stream. Env SSEMUX_MAX_CONNECTIONS_PER_USER.")
    int maxConnectionsPerUser;

    @Option(
            names = "--max-connections",
            defaultValue = "${env:SSEMUX_MAX_CONNECTIONS:-10000}",
            description = "Streams in all; beyond, 503 with Retry-After. Env SSEMUX_MAX_CONNECTIONS.")
    int maxConnections;

    @Option(
            names = "--max-channels",
            defaultValue = "${env:SSEMUX_MAX_CHANNELS:-64}",
            description = "Channels in one request and on one stream. Env SSEMUX_MAX_CHANNELS.")
    int maxChannels;

    @Option(
            names = "--history-events",
            defaultValue = "${env:SSEMUX_HISTORY_EVENTS:-10000}",
            description = "Events kept for resuming clients. Env SSEMUX_HISTORY_EVENTS.")
    int historyEvents;

    @Option(
            names = "--history-seconds",
            defaultValue = "${env:SSEMUX_HISTORY_SECONDS:-300}",
            description = "Oldest event kept for resuming clients. Env SSEMUX_HISTORY_SECONDS.")
    long historySeconds;

    @Option(
            names = "--http2",
            negatable = true,
            defaultValue = "${env:SSEMUX_HTTP2:-true}",
            fallbackValue = "true",
            description = "Offer HTTP/2 (ALPN with TLS, h2c prior knowledge without); --no-http2 keeps every "
                    + "connection HTTP/1.1. Env SSEMUX_HTTP2.")
    boolean http2;

    @Option(
            names = "--drain-seconds",
            defaultValue = "${env:SSEMUX_DRAIN_SECONDS:-10}",
            description = "On SIGTERM, the window over which open streams are ended one by one, each told to "
                    + "reconnect (to another node) after a random delay; new streams get 503 meanwhile and "
                    + "/readyz says draining. 0 ends them at once. Env SSEMUX_DRAIN_SECONDS.")
    double drainSeconds;

    @Option(
            names = "--connection-log-seconds",
            defaultValue = "${env:SSEMUX_CONNECTION_LOG_SECONDS:-60}",
            description = "How often the connection log sums up the streams opened and closed (one line, when any "
                    + "were). SSEMUX_CONNECTION_LOG_LEVEL=DEBUG adds a line per stream. "
                    + "Env SSEMUX_CONNECTION_LOG_SECONDS.")
    long connectionLogSeconds;

    @Option(
            names = "--redis",
            defaultValue = "${env:SSEMUX_REDIS}",
            description = "Cluster mode: the Redis every node shares (redis://host:port, rediss:// for TLS, "
                    + "redis://:password@host:port); see docs/CLUSTER.md. Without it: one process, in memory. "
                    + "Env SSEMUX_REDIS.")
    String redis;

    @Option(
            names = "--redis-streams",
            defaultValue = "${env:SSEMUX_REDIS_STREAMS:-1}",
            description = "Cluster mode: how many Redis streams events spread over (1: one order for all events; "
                    + "more for a Redis Cluster; every node must use the same). Env SSEMUX_REDIS_STREAMS.")
    int redisStreams;

    @Option(
            names = "--redis-key-prefix",
            defaultValue = "${env:SSEMUX_REDIS_KEY_PREFIX:-ssemux}",
            description = "Cluster mode: the prefix of ssemux's Redis keys, one per deployment sharing a Redis. "
                    + "Env SSEMUX_REDIS_KEY_PREFIX.")
    String redisKeyPrefix;

    @Option(
            names = "--history-max-bytes",
            defaultValue = "${env:SSEMUX_HISTORY_MAX_BYTES:-33554432}",
            description =
                    "Most memory the history may hold (about 3 times the data it keeps). Env SSEMUX_HISTORY_MAX_BYTES.")
    long historyMaxBytes;

    @Option(
            names = "--max-event-bytes",
            defaultValue = "${env:SSEMUX_MAX_EVENT_BYTES:-65536}",
            description = "Largest data of one event in UTF-8 bytes; larger gets 413. Env SSEMUX_MAX_EVENT_BYTES.")
    int maxEventBytes;

    @Option(
            names = "--header-timeout-seconds",
            defaultValue = "${env:SSEMUX_HEADER_TIMEOUT_SECONDS:-60}",
            description = "A new connection's request head must arrive within this. Env SSEMUX_HEADER_TIMEOUT_SECONDS.")
    long headerTimeoutSeconds;

    @Option(
            names = "--body-timeout-seconds",
            defaultValue = "${env:SSEMUX_BODY_TIMEOUT_SECONDS:-60}",
            description = "Longest pause while a request body is read. Env SSEMUX_BODY_TIMEOUT_SECONDS.")
    long bodyTimeoutSeconds;

    @Option(
            names = "--keep-alive-timeout-seconds",
            defaultValue = "${env:SSEMUX_KEEP_ALIVE_TIMEOUT_SECONDS:-75}",
            description =
                    "An idle kept-alive connection is closed after this (never an open stream). Env SSEMUX_KEEP_ALIVE_TIMEOUT_SECONDS.")
    long keepAliveTimeoutSeconds;

    @Option(
            names = "--max-sockets",
            defaultValue = "${env:SSEMUX_MAX_SOCKETS:-0}",
            description =
                    "Open sockets of every kind; past it, 503. 0: --max-connections plus 1024, kept below the file limit. Env SSEMUX_MAX_SOCKETS.")
    int maxSockets;

    @Option(
            names = "--max-token-bytes",
            defaultValue = "${env:SSEMUX_MAX_TOKEN_BYTES:-8192}",
            description =
                    "Longest token in a query or header; sizes the request line and header limits (414, 431). Env SSEMUX_MAX_TOKEN_BYTES.")
    int maxTokenBytes;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "${env:SSEMUX_MAX_BODY_BYTES:-65536}",
            description = "Largest request body; larger gets 413. Env SSEMUX_MAX_BODY_BYTES.")
    int maxBodyBytes;

    @Option(
            names = "--outbound-limit-bytes",
            defaultValue = "${env:SSEMUX_OUTBOUND_LIMIT_BYTES:-131072}",
            description =
                    "Bytes queued for one stream before it is cut as a slow consumer. Env SSEMUX_OUTBOUND_LIMIT_BYTES.")
    int outboundLimitBytes;

    @Option(
            names = "--cors-origin",
            split = ",",
            defaultValue = "${env:SSEMUX_CORS_ORIGINS}",
            description =
                    "An origin whose pages may read the API from another origin (repeatable or comma-separated; * for any). Env SSEMUX_CORS_ORIGINS.")
    List<String> corsOrigins = new ArrayList<>();

    // fallbackValue: without it, picocli reads --no-demo as "the default" when the default is true.
    @Option(
            names = "--demo",
            negatable = true,
            defaultValue = "${env:SSEMUX_DEMO:-true}",
            fallbackValue = "true",
            description =
                    "Serve the photo-jobs demo: its page at / and POST /api/projects/{folder}/photos. Env SSEMUX_DEMO.")
    boolean demo;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:SSEMUX_DATA_DIR:-${sys:java.io.tmpdir}/ssemux-demo}",
            description = "Where the demo keeps its project folders. Env SSEMUX_DATA_DIR.")
    Path dataDir;

    @Option(
            names = "--flush-window-millis",
            defaultValue = "${env:SSEMUX_FLUSH_WINDOW_MILLIS:-0}",
            description =
                    "Events wait this long to go out together (fewer writes, more latency); 0 sends at once. Env SSEMUX_FLUSH_WINDOW_MILLIS.")
    long flushWindowMillis;

    @Option(
            names = "--accept-backlog",
            defaultValue = "${env:SSEMUX_ACCEPT_BACKLOG:-4096}",
            description =
                    "Connections waiting to be accepted (capped by net.core.somaxconn); room for reconnect storms. Env SSEMUX_ACCEPT_BACKLOG.")
    int acceptBacklog;

    @Option(
            names = "--io-threads",
            defaultValue = "${env:SSEMUX_IO_THREADS:-0}",
            description = "Netty I/O threads; 0 means one per core. Env SSEMUX_IO_THREADS.")
    int ioThreads;

    @Option(
            names = "--transport",
            defaultValue = "${env:SSEMUX_TRANSPORT:-auto}",
            description =
                    "Socket layer: auto (epoll on Linux, else nio), io_uring, epoll or nio; a native one that cannot load falls back with a warning. Env SSEMUX_TRANSPORT.")
    String transport;

    @Option(
            names = "--reuse-port",
            defaultValue = "${env:SSEMUX_REUSE_PORT:-false}",
            description =
                    "Bind with SO_REUSEPORT, so that several ssemux processes (cluster nodes on one Redis) share one port. Env SSEMUX_REUSE_PORT.")
    boolean reusePort;

    @Option(
            names = "--jwt-secret-file",
            defaultValue = "${env:SSEMUX_JWT_SECRET_FILE}",
            description =
                    "Authenticate with JWTs signed by the HMAC secret in this file (HS256/384/512, at least 32 bytes). Env SSEMUX_JWT_SECRET_FILE.")
    Path jwtSecretFile;

    @Option(
            names = "--jwt-public-key",
            defaultValue = "${env:SSEMUX_JWT_PUBLIC_KEY}",
            description =
                    "Authenticate with JWTs signed by the key of this PEM public key file (RSA or EC). Env SSEMUX_JWT_PUBLIC_KEY.")
    Path jwtPublicKey;

    @Option(
            names = "--jwks-url",
            defaultValue = "${env:SSEMUX_JWKS_URL}",
            description =
                    "Authenticate with JWTs signed by a key of the JSON Web Key Set at this URL (cached, fetched again on rotation). Env SSEMUX_JWKS_URL.")
    java.net.URI jwksUrl;

    @Option(
            names = "--jwks-file",
            defaultValue = "${env:SSEMUX_JWKS_FILE}",
            description =
                    "Authenticate with JWTs signed by a key of the JSON Web Key Set in this file. Env SSEMUX_JWKS_FILE.")
    Path jwksFile;

    @Option(
            names = "--jwt-issuer",
            defaultValue = "${env:SSEMUX_JWT_ISSUER}",
            description = "The 'iss' every token must have. Env SSEMUX_JWT_ISSUER.")
    String jwtIssuer;

    @Option(
            names = "--jwt-audience",
            defaultValue = "${env:SSEMUX_JWT_AUDIENCE}",
            description = "An 'aud' every token must have. Env SSEMUX_JWT_AUDIENCE.")
    String jwtAudience;

    @Option(
            names = "--jwt-cookie",
            defaultValue = "${env:SSEMUX_JWT_COOKIE}",
            description =
                    "A cookie that may carry the token (besides Authorization: Bearer and ?token=). Env SSEMUX_JWT_COOKIE.")
    String jwtCookie;

    @Option(
            names = "--jwt-clock-skew-seconds",
            defaultValue = "${env:SSEMUX_JWT_CLOCK_SKEW_SECONDS:-30}",
            description =
                    "Tolerance on exp and nbf for clocks that disagree (0 to 300); a stream lasts until exp plus this. Env SSEMUX_JWT_CLOCK_SKEW_SECONDS.")
    long jwtClockSkewSeconds;

    @Option(
            names = "--api-key-file",
            defaultValue = "${env:SSEMUX_API_KEY_FILE}",
            description =
                    "API keys for publishers: one '<key> <pattern>[,<pattern>...]' per line, sent as Authorization: Bearer <key>. Env SSEMUX_API_KEY_FILE.")
    Path apiKeyFile;

    @Option(
            names = "--tls-cert",
            defaultValue = "${env:SSEMUX_TLS_CERT}",
            description = "Serve HTTPS with this PEM certificate chain (with --tls-key). Env SSEMUX_TLS_CERT.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            defaultValue = "${env:SSEMUX_TLS_KEY}",
            description = "The PEM private key (PKCS#8) of --tls-cert. Env SSEMUX_TLS_KEY.")
    Path tlsKey;

    @Option(
            names = "--token-refresh-lead-seconds",
            defaultValue = "${env:SSEMUX_TOKEN_REFRESH_LEAD_SECONDS:-60}",
            description =
                    "A stream hears 'token_expiring' this long before its token expires. Env SSEMUX_TOKEN_REFRESH_LEAD_SECONDS.")
    long tokenRefreshLeadSeconds;

    @Option(
            names = "--insecure-trust-anyone-on-network",
            defaultValue = "${env:SSEMUX_INSECURE_TRUST_ANYONE_ON_NETWORK:-false}",
            description =
                    "TRIALS ONLY: without an authenticator, listen on a non-loopback --host anyway; anyone who reaches it can read and publish as any user. Env SSEMUX_INSECURE_TRUST_ANYONE_ON_NETWORK.")
    boolean insecureTrustAnyoneOnNetwork;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new Main());
        // A bad setting is one line that says what is wrong, not the whole --help.
        command.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().getErr().println("See 'ssemux --help' for the settings.");
            return 2;
        });
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        HubConfig config;
        SsemuxServer.Builder builder;
        Hub hub;
        Metrics metrics;
        ConnectionLog connectionLog;
        SecuritySettings security = new SecuritySettings(
                jwtSecretFile,
                jwtPublicKey,
                jwksUrl,
                jwksFile,
                jwtIssuer,
                jwtAudience,
                jwtCookie,
                Duration.ofSeconds(jwtClockSkewSeconds),
                apiKeyFile);
        try {
            Authenticator authenticator = security.authenticator();
            if (authenticator.trustsAnyone() && !insecureTrustAnyoneOnNetwork && !isLoopback(host)) {
                throw new IllegalArgumentException(
                        "--host " + host + " without an authenticator: anyone could claim any user."
                                + " Set --jwt-secret-file, --jwt-public-key, --jwks-url or --jwks-file (see docs/SECURITY.md),"
                                + " or listen on 127.0.0.1; --insecure-trust-anyone-on-network allows it for a trial");
            }
            if (redisStreams < 1 || redisStreams > 64) {
                throw new IllegalArgumentException("--redis-streams: " + redisStreams + " (expected: 1 to 64)");
            }
            if (!redisKeyPrefix.matches("[A-Za-z0-9_.:-]{1,64}")) {
                throw new IllegalArgumentException("--redis-key-prefix: " + Names.quote(redisKeyPrefix)
                        + " (expected: 1 to 64 of A-Z a-z 0-9 _ . : -)");
            }
            if (!(drainSeconds >= 0 && drainSeconds <= 3600)) {
                throw new IllegalArgumentException("--drain-seconds: " + drainSeconds + " (expected: 0 to 3600)");
            }
            config = new HubConfig(
                    maxConnectionsPerUser,
                    maxConnections,
                    maxChannels,
                    Duration.ofMillis(Math.round(heartbeatSeconds * 1000)),
                    Duration.ofMillis(retryMillis),
                    historyEvents,
                    historyMaxBytes,
                    Duration.ofSeconds(historySeconds),
                    maxEventBytes,
                    Duration.ofSeconds(tokenRefreshLeadSeconds));
            if (!(connectionLogSeconds >= 1 && connectionLogSeconds <= 86_400)) {
                throw new IllegalArgumentException(
                        "--connection-log-seconds: " + connectionLogSeconds + " (expected: 1 to 86400)");
            }
            connectionLog = new ConnectionLog(Duration.ofSeconds(connectionLogSeconds));
            metrics = new Metrics(authenticator.trustsAnyone());
            HubBuilder hubBuilder =
                    Hub.builder().config(config).listener(connectionLog).listener(metrics.listener());
            if (redis != null && !redis.isBlank()) {
                RedisBackplane backplane = RedisBackplane.builder(redis)
                        .streams(redisStreams)
                        .keyPrefix(redisKeyPrefix)
                        .history(historyEvents, historyMaxBytes, Duration.ofSeconds(historySeconds))
                        .build();
                hubBuilder.backplane(backplane);
                metrics.listener().bindBackplaneLag(backplane::lag);
            }
            hub = hubBuilder.build();
            metrics.bind(hub);
            builder = SsemuxServer.builder(hub)
                    .host(host)
                    .port(port)
                    .maxBodyBytes(maxBodyBytes)
                    .http2(http2)
                    .outboundLimitBytes(outboundLimitBytes)
                    .allowedOrigins(corsOrigins == null ? List.of() : corsOrigins)
                    .flushWindow(Duration.ofMillis(flushWindowMillis))
                    .acceptBacklog(acceptBacklog)
                    .transport(transport)
                    .reusePort(reusePort)
                    .authenticator(authenticator)
                    .trustAnyoneOnNetwork(insecureTrustAnyoneOnNetwork)
                    .timeouts(
                            Duration.ofSeconds(headerTimeoutSeconds),
                            Duration.ofSeconds(bodyTimeoutSeconds),
                            Duration.ofSeconds(keepAliveTimeoutSeconds))
                    .maxTokenBytes(maxTokenBytes);
            if (maxSockets != 0) { // 0: the default; a negative one is refused by the builder
                builder.maxSockets(maxSockets);
            }
            if (ioThreads > 0) {
                builder.ioThreads(ioThreads);
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key: one without the other (expected: both)");
            }
            if (tlsCert != null) {
                builder.tls(tlsCert, tlsKey);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid setting: " + e.getMessage());
        } catch (IllegalStateException e) { // the backplane could not reach Redis
            log.error("cannot start in cluster mode: {}", e.getMessage());
            return 1;
        }
        builder.route(Metrics.PATH, metrics);
        StaticFiles.register(builder);
        PhotoDemo photoDemo = null;
        if (demo) {
            try {
                photoDemo = PhotoDemo.start(hub, DemoSettings.defaults(dataDir));
            } catch (IOException e) {
                hub.close();
                log.error("cannot use the data directory {}: {}", dataDir, e.toString());
                return 1;
            }
            photoDemo.register(builder);
            StaticFiles.registerDemoPage(builder);
        }
        SsemuxServer server;
        try {
            server = builder.build().start();
            warnIfMemoryDoesNotFit(server);
        } catch (RuntimeException e) {
            closeDemo(photoDemo);
            hub.close();
            log.error("cannot listen on {}:{}: {}", host, port, e.getMessage());
            return 1;
        }
        if (photoDemo != null) {
            log.info("photo-jobs demo at http://{}:{}/ (data in {})", host, server.port(), photoDemo.dataDir());
        }
        if (!security.authenticates()) {
            log.warn(
                    "Users come from the development authenticator (?user= or X-User-Id, else the client address): "
                            + "any client can claim any user, so only this machine is served. Not for production: see docs/SECURITY.md.");
        }

        CountDownLatch stopped = new CountDownLatch(1);
        PhotoDemo runningDemo = photoDemo;
        ConnectionLog runningLog = connectionLog.start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info(
                                    "shutting down: draining {} streams over {} s",
                                    hub.stats().connections(),
                                    drainSeconds);
                            try {
                                hub.drain(Duration.ofMillis(Math.round(drainSeconds * 1000)))
                                        .get(Math.round(drainSeconds * 1000) + 10_000, TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (ExecutionException | TimeoutException e) {
                                log.warn("the drain did not finish: {}", e.toString());
                            }
                            closeDemo(runningDemo); // then: its running jobs still publish how they ended
                            hub.close();
                            runningLog.close();
                            server.close();
                            stopped.countDown();
                        },
                        "ssemux-shutdown"));
        stopped.await();
        return 0;
    }

    private void warnIfMemoryDoesNotFit(SsemuxServer server) {
        MemoryBudget budget =
                MemoryBudget.of(historyMaxBytes, maxConnections, outboundLimitBytes, server.maxSockets(), maxBodyBytes);
        long heap = MemoryBudget.heapBytes() >> 20;
        long direct = MemoryBudget.directBytes() >> 20;
        if (budget.total() > MemoryBudget.jvmBytes()) {
            log.warn(
                    "the limits allow up to {} in the worst case, more than the JVM's {} MiB of heap and {} MiB of "
                            + "direct memory: lower --max-connections or --outbound-limit-bytes, or give the JVM more "
                            + "(-Xmx, -XX:MaxDirectMemorySize); see docs/OPERATIONS.md",
                    budget.describe(),
                    heap,
                    direct);
        } else {
            log.info(
                    "worst case under these limits: {}, within the JVM's {} MiB of heap and {} MiB of direct memory",
                    budget.describe(),
                    heap,
                    direct);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void closeDemo(PhotoDemo demo) {
        if (demo != null) {
            demo.close();
        }
    }
}
