package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.HubConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code ssemux.*} properties: where the endpoints are, the hub's limits, what signed-in users
 * may read, and the Redis of a cluster. The defaults are the standalone server's (the hub's are
 * {@link HubConfig#defaults()}, written out here so that IDEs show them).
 */
@ConfigurationProperties("ssemux")
public class SsemuxProperties {
    /** Whether ssemux's hub and endpoints are set up. */
    private boolean enabled = true;

    /** The base path of the endpoints: the stream is at {@code <path>/stream}. */
    private String path = "/api/sse";

    /** Interval of the heartbeat every stream gets, so proxies keep it and clients see it alive. */
    private Duration heartbeat = Duration.ofSeconds(30);

    /** Reconnection delay sent to clients ({@code retry:}). */
    private Duration retry = Duration.ofSeconds(3);

    /** A user's streams beyond this evict that user's oldest one (a tab left open elsewhere). */
    private int maxConnectionsPerUser = 6;

    /** Streams beyond this are refused with 503 and Retry-After. */
    private int maxConnections = 10_000;

    /** Most channels in one request, and on one stream. */
    private int maxChannels = 64;

    /** Largest data of one event; larger publishes are refused (413). */
    private DataSize maxEventSize = DataSize.ofKilobytes(64);

    /** Most bytes a stream may have waiting for a slow client before it is cut (the client resumes). */
    private DataSize outboundLimit = DataSize.ofKilobytes(128);

    /** How long a shutdown spends ending streams one by one, each told to reconnect elsewhere. */
    private Duration drainWindow = Duration.ofSeconds(10);

    /** Threads that write streams; 0 means one per core. */
    private int streamThreads = 0;

    private final History history = new History();
    private final Grants grants = new Grants();
    private final Redis redis = new Redis();

    /** The history a reconnecting client resumes from. */
    public static class History {
        /** Most events kept. */
        private int maxEvents = 10_000;

        /** Most memory the kept events may hold. */
        private DataSize maxSize = DataSize.ofMegabytes(32);

        /** Oldest event kept. */
        private Duration maxAge = Duration.ofMinutes(5);

        public int getMaxEvents() {
            return maxEvents;
        }

        public void setMaxEvents(int maxEvents) {
            this.maxEvents = maxEvents;
        }

        public DataSize getMaxSize() {
            return maxSize;
        }

        public void setMaxSize(DataSize maxSize) {
            this.maxSize = maxSize;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }

    /**
     * What every signed-in user may do, unless the application declares a {@code ChannelAuthorizer}
     * bean. A user always reads their own private channel {@code user:<name>}.
     */
    public static class Grants {
        /** Channel patterns every signed-in user may read: names, or prefixes ending in *. */
        private List<String> subscribe = new ArrayList<>();

        /** Channel patterns every signed-in user may publish to over HTTP; none by default. */
        private List<String> publish = new ArrayList<>();

        /** Spring Security authorities that grant the admin grant: the stats and every private channel. */
        private List<String> adminAuthorities = new ArrayList<>(List.of("ROLE_SSEMUX_ADMIN"));

        public List<String> getSubscribe() {
            return subscribe;
        }

        public void setSubscribe(List<String> subscribe) {
            this.subscribe = subscribe;
        }

        public List<String> getPublish() {
            return publish;
        }

        public void setPublish(List<String> publish) {
            this.publish = publish;
        }

        public List<String> getAdminAuthorities() {
            return adminAuthorities;
        }

        public void setAdminAuthorities(List<String> adminAuthorities) {
            this.adminAuthorities = adminAuthorities;
        }
    }

    /** The Redis that nodes share in a cluster (needs ssemux-redis); none means a single node. */
    public static class Redis {
        /** The Redis URI ({@code redis://host:6379}, {@code rediss://…} for TLS); unset for a single node. */
        private String uri;

        /** Redis streams the events are spread over, by channel (1 keeps one global order). */
        private int streams = 1;

        /** The prefix of every Redis key, to share a Redis between apps. */
        private String keyPrefix = "ssemux";

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public int getStreams() {
            return streams;
        }

        public void setStreams(int streams) {
            this.streams = streams;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }
    }

    /** The hub's config of these properties. */
    HubConfig hubConfig() {
        return new HubConfig(
                maxConnectionsPerUser,
                maxConnections,
                maxChannels,
                heartbeat,
                retry,
                history.maxEvents,
                history.maxSize.toBytes(),
                history.maxAge,
                Math.toIntExact(maxEventSize.toBytes()),
                HubConfig.defaults().tokenRefreshLead());
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Duration getHeartbeat() {
        return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public Duration getRetry() {
        return retry;
    }

    public void setRetry(Duration retry) {
        this.retry = retry;
    }

    public int getMaxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
        this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxChannels() {
        return maxChannels;
    }

    public void setMaxChannels(int maxChannels) {
        this.maxChannels = maxChannels;
    }

    public DataSize getMaxEventSize() {
        return maxEventSize;
    }

    public void setMaxEventSize(DataSize maxEventSize) {
        this.maxEventSize = maxEventSize;
    }

    public DataSize getOutboundLimit() {
        return outboundLimit;
    }

    public void setOutboundLimit(DataSize outboundLimit) {
        this.outboundLimit = outboundLimit;
    }

    public Duration getDrainWindow() {
        return drainWindow;
    }

    public void setDrainWindow(Duration drainWindow) {
        this.drainWindow = drainWindow;
    }

    public int getStreamThreads() {
        return streamThreads;
    }

    public void setStreamThreads(int streamThreads) {
        this.streamThreads = streamThreads;
    }

    public History getHistory() {
        return history;
    }

    public Grants getGrants() {
        return grants;
    }

    public Redis getRedis() {
        return redis;
    }
}
