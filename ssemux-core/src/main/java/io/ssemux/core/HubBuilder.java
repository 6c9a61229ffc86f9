package io.ssemux.core;

import io.ssemux.core.spi.Backplane;
import io.ssemux.core.spi.EventLog;
import io.ssemux.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Builds a {@link Hub}; values are checked by {@link HubConfig} at {@link #build()}. Not thread-safe. */
public final class HubBuilder {
    private int maxConnectionsPerUser;
    private int maxConnections;
    private int maxChannels;
    private Duration heartbeat;
    private Duration retry;
    private int historyMaxEvents;
    private long historyMaxBytes;
    private Duration historyMaxAge;
    private int maxEventBytes;
    private Duration tokenRefreshLead;
    private EventLog eventLog;
    private Backplane backplane;
    private final List<HubListener> listeners = new java.util.ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;

    HubBuilder() {
        config(HubConfig.defaults());
    }

    /** A user's stream beyond this evicts that user's oldest (default 6). */
    public HubBuilder maxConnectionsPerUser(int n) {
        this.maxConnectionsPerUser = n;
        return this;
    }

    /** Streams in all; beyond, new ones are refused with 503 (default 10,000). */
    public HubBuilder maxConnections(int n) {
        this.maxConnections = n;
        return this;
    }

    /** Channels in one request and on one stream (default 64). */
    public HubBuilder maxChannels(int n) {
        this.maxChannels = n;
        return this;
    }

    /** Interval of the heartbeat on every stream (default 30 s). */
    public HubBuilder heartbeat(Duration interval) {
        this.heartbeat = interval;
        return this;
    }

    /** Reconnection delay sent to clients (default 3 s). */
    public HubBuilder retry(Duration delay) {
        this.retry = delay;
        return this;
    }

    /** Bounds of the default in-memory history (default 10,000 events, 5 minutes); ignored with an {@link #eventLog}. */
    public HubBuilder history(int maxEvents, Duration maxAge) {
        this.historyMaxEvents = maxEvents;
        this.historyMaxAge = maxAge;
        return this;
    }

    /** Most memory the default in-memory history may hold (default 32 MiB); ignored with an {@link #eventLog}. */
    public HubBuilder historyMaxBytes(long bytes) {
        this.historyMaxBytes = bytes;
        return this;
    }

    /** Largest {@code data} of one event, in UTF-8 bytes (default 64 KiB); a larger publish is refused. */
    public HubBuilder maxEventBytes(int bytes) {
        this.maxEventBytes = bytes;
        return this;
    }

    /** How long before a stream's credential expires it is told to refresh it (default 60 s). */
    public HubBuilder tokenRefreshLead(Duration lead) {
        this.tokenRefreshLead = lead;
        return this;
    }

    /** All limits and timings at once. */
    public HubBuilder config(HubConfig config) {
        Objects.requireNonNull(config, "config");
        this.maxConnectionsPerUser = config.maxConnectionsPerUser();
        this.maxConnections = config.maxConnections();
        this.maxChannels = config.maxChannels();
        this.heartbeat = config.heartbeat();
        this.retry = config.retry();
        this.historyMaxEvents = config.historyMaxEvents();
        this.historyMaxBytes = config.historyMaxBytes();
        this.historyMaxAge = config.historyMaxAge();
        this.maxEventBytes = config.maxEventBytes();
        this.tokenRefreshLead = config.tokenRefreshLead();
        return this;
    }

    /** The id source and history (default: in memory, bounded by {@link #history}). The hub closes it. */
    public HubBuilder eventLog(EventLog eventLog) {
        this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
        return this;
    }

    /**
     * Cluster mode: events are appended to {@code backplane} and delivered from it, on every node that
     * shares it (ssemux-redis gives one on Redis Streams). Replaces the {@link #eventLog}. The hub
     * starts its reader when built and closes it.
     */
    public HubBuilder backplane(Backplane backplane) {
        this.backplane = Objects.requireNonNull(backplane, "backplane");
        return this;
    }

    /** Told of every stream opened and closed and every event flushed; each call adds one (default: none). */
    public HubBuilder listener(HubListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** The wall clock of history ages, the default history's ids and credential expiry (default: the system's, UTC). */
    public HubBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * What times heartbeats and history expiry (default: a daemon thread of the hub's own, named
     * {@code ssemux-heartbeat}, which {@link Hub#close()} stops). A scheduler given here may be shared;
     * the hub does not close it.
     */
    public HubBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /** A new hub, with its heartbeat scheduled: close it when done. */
    public Hub build() {
        HubConfig config = new HubConfig(
                maxConnectionsPerUser,
                maxConnections,
                maxChannels,
                heartbeat,
                retry,
                historyMaxEvents,
                historyMaxBytes,
                historyMaxAge,
                maxEventBytes,
                tokenRefreshLead);
        if (backplane != null && eventLog != null) {
            throw new IllegalStateException("eventLog and backplane: both set (expected: one of them)");
        }
        EventLog log = backplane != null
                ? null
                : eventLog != null
                        ? eventLog
                        : EventLog.inMemory(
                                config.historyMaxEvents(), config.historyMaxBytes(), config.historyMaxAge(), clock);
        HubListener listener = listeners.size() == 1 ? listeners.get(0) : new Listeners(List.copyOf(listeners));
        DefaultHub hub = scheduler != null
                ? new DefaultHub(config, log, backplane, listener, scheduler, false, clock)
                : new DefaultHub(config, log, backplane, listener, Scheduler.system("ssemux-heartbeat"), true, clock);
        if (backplane != null) {
            hub.startReading();
        }
        return hub;
    }

    /** Several listeners, told in the order they were added. */
    private record Listeners(List<HubListener> all) implements HubListener {
        @Override
        public void opened(ConnectionInfo connection) {
            all.forEach(l -> l.opened(connection));
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason) {
            all.forEach(l -> l.closed(connection, reason));
        }

        @Override
        public void flushed(long nanos) {
            for (HubListener l : all) {
                l.flushed(nanos);
            }
        }
    }
}
