package io.ssemux.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.Hub;
import io.ssemux.core.HubListener;
import io.ssemux.core.HubStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * ssemux's meters in a Micrometer registry (Prometheus, or an application's own). No meter has a
 * per-user, per-channel or per-connection tag, so their number is fixed whatever the load.
 *
 * <pre>{@code
 * SsemuxMetrics metrics = new SsemuxMetrics(registry);
 * Hub hub = Hub.builder().listener(metrics).build();   // the latency histogram and close reasons
 * metrics.bind(hub);                                    // the counts and counters of hub.stats()
 * }</pre>
 *
 * <p>Counters and gauges read {@link Hub#stats()} when the registry is scraped (O(1), no lock);
 * the listener records the publish-to-flush latency once per event and I/O thread, and counts closed
 * streams by reason. Thread-safe.
 */
public final class SsemuxMetrics implements HubListener {
    private final MeterRegistry registry;
    private final Timer flushLatency;
    private final Map<CloseReason, io.micrometer.core.instrument.Counter> closedByReason =
            new EnumMap<>(CloseReason.class);

    public SsemuxMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.flushLatency = Timer.builder("ssemux.publish.flush")
                .description("From the hub taking an event (its publish, or its arrival from Redis) to its bytes"
                        + " flushed to the streams of one I/O thread")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            closedByReason.put(
                    reason,
                    io.micrometer.core.instrument.Counter.builder("ssemux.streams.closed.by.reason")
                            .description("Streams ended, by why")
                            .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry));
        }
    }

    /** Registers the meters that read {@code hub}'s stats. Call once per hub. */
    public SsemuxMetrics bind(Hub hub) {
        Objects.requireNonNull(hub, "hub");
        gauge("ssemux.streams.open", "Open streams", hub, s -> s.connections());
        gauge("ssemux.users", "Users with at least one open stream", hub, s -> s.users());
        gauge("ssemux.channels", "Channels with at least one subscriber", hub, s -> s.channels());
        counter("ssemux.streams.opened", "Streams opened", hub, HubStats::connectionsOpened);
        counter("ssemux.streams.closed", "Streams closed, for any reason", hub, HubStats::connectionsClosed);
        counter(
                "ssemux.streams.evicted",
                "Streams closed because their user opened one too many",
                hub,
                HubStats::connectionsEvicted);
        counter(
                "ssemux.streams.slow.consumer",
                "Streams cut because they did not read",
                hub,
                HubStats::slowConsumerDisconnects);
        counter("ssemux.events.published", "Events accepted by this node's publishes", hub, HubStats::eventsPublished);
        counter("ssemux.events.delivered", "Event frames written to streams", hub, HubStats::eventsDelivered);
        counter(
                "ssemux.events.dropped",
                "Event frames not written because their stream was cut",
                hub,
                HubStats::eventsDropped);
        FunctionCounter.builder("ssemux.bytes.written", hub, h -> h.stats().bytesWritten())
                .description("Bytes handed to the streams' sockets")
                .baseUnit("bytes")
                .register(registry);
        gauge(
                "ssemux.history.events",
                "Events retained for resuming clients",
                hub,
                s -> s.history().events());
        Gauge.builder("ssemux.history.bytes", hub, h -> h.stats().history().bytes())
                .description("Bytes the retained history holds")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("ssemux.ready", hub, h -> h.readiness() == io.ssemux.core.Readiness.READY ? 1 : 0)
                .description("1 while the node takes new streams (what /readyz says), else 0")
                .register(registry);
        return this;
    }

    /**
     * Cluster mode: a gauge of how far behind the shared log this node reads ({@code lag} gives it,
     * e.g. {@code RedisBackplane::lag}).
     */
    public SsemuxMetrics bindBackplaneLag(Supplier<Duration> lag) {
        Objects.requireNonNull(lag, "lag");
        Gauge.builder("ssemux.backplane.lag", lag, l -> l.get().toNanos() / 1e9)
                .description("How far behind Redis this node's reader is: now minus the time of the last event read")
                .baseUnit("seconds")
                .register(registry);
        return this;
    }

    @Override
    public void flushed(long nanos) {
        flushLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason) {
        closedByReason.get(reason).increment();
    }

    private void gauge(String name, String description, Hub hub, ToDoubleFunction<HubStats> value) {
        Gauge.builder(name, hub, h -> value.applyAsDouble(h.stats()))
                .description(description)
                .tags(Tags.empty())
                .register(registry);
    }

    private void counter(String name, String description, Hub hub, ToDoubleFunction<HubStats> value) {
        FunctionCounter.builder(name, hub, h -> value.applyAsDouble(h.stats()))
                .description(description)
                .register(registry);
    }
}
