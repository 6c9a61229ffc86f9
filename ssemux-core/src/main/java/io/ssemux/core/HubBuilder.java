package io.ssemux.core;

import io.ssemux.core.spi.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Builds a {@link Hub}. Not thread-safe; each {@link #build()} makes a new hub. */
public final class HubBuilder {
    private HubConfig config = HubConfig.defaults();
    private EventLog eventLog;
    private HubListener listener = new HubListener() {};
    private Clock clock = Clock.systemUTC();

    HubBuilder() {}

    public HubBuilder maxConnectionsPerUser(int n) {
        config = new HubConfig(n, config.maxConnections(), config.maxChannels(), config.heartbeat(), config.retry(),
                config.historyMaxEvents(), config.historyMaxAge());
        return this;
    }

    public HubBuilder maxConnections(int n) {
        config = new HubConfig(config.maxConnectionsPerUser(), n, config.maxChannels(), config.heartbeat(), config.retry(),
                config.historyMaxEvents(), config.historyMaxAge());
        return this;
    }

    public HubBuilder maxChannels(int n) {
        config = new HubConfig(config.maxConnectionsPerUser(), config.maxConnections(), n, config.heartbeat(), config.retry(),
                config.historyMaxEvents(), config.historyMaxAge());
        return this;
    }

    public HubBuilder heartbeat(Duration interval) {
        config = new HubConfig(config.maxConnectionsPerUser(), config.maxConnections(), config.maxChannels(), interval,
                config.retry(), config.historyMaxEvents(), config.historyMaxAge());
        return this;
    }

    public HubBuilder retry(Duration delay) {
        config = new HubConfig(config.maxConnectionsPerUser(), config.maxConnections(), config.maxChannels(),
                config.heartbeat(), delay, config.historyMaxEvents(), config.historyMaxAge());
        return this;
    }

    /** Bounds of the default in-memory history; ignored when an {@link #eventLog} is given. */
    public HubBuilder history(int maxEvents, Duration maxAge) {
        config = new HubConfig(config.maxConnectionsPerUser(), config.maxConnections(), config.maxChannels(),
                config.heartbeat(), config.retry(), maxEvents, maxAge);
        return this;
    }

    /** All settings at once. */
    public HubBuilder config(HubConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    /** The id source and history (default: in memory, bounded by {@link #history}). The hub closes it. */
    public HubBuilder eventLog(EventLog eventLog) {
        this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
        return this;
    }

    public HubBuilder listener(HubListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** The clock of history ages (tests fake it). */
    public HubBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public Hub build() {
        EventLog log = eventLog != null ? eventLog
                : EventLog.inMemory(config.historyMaxEvents(), config.historyMaxAge(), clock);
        return new DefaultHub(config, log, listener);
    }
}
