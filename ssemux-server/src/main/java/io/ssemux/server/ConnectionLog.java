package io.ssemux.server;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.HubListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection log, logger {@code io.ssemux.connections}: at INFO one summary line per interval
 * in which streams opened or closed (how many, why they closed, how many are open), so its volume
 * does not grow with the load; at DEBUG ({@code SSEMUX_CONNECTION_LOG_LEVEL=DEBUG}) also one line per
 * stream opened and closed, with its user, channels and reason. Thread-safe: counts on the hub's
 * threads, logs the summary on a daemon thread of its own.
 */
final class ConnectionLog implements HubListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("io.ssemux.connections");

    private final Duration interval;
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final Map<CloseReason, AtomicLong> closed = new EnumMap<>(CloseReason.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ssemux-connection-log");
        t.setDaemon(true);
        return t;
    });

    /** @param interval how often a summary is due (one is logged only when streams opened or closed) */
    ConnectionLog(Duration interval) {
        this.interval = interval;
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, new AtomicLong());
        }
    }

    /** Starts the summaries. */
    ConnectionLog start() {
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::summarize, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void opened(ConnectionInfo connection) {
        opened.incrementAndGet();
        open.incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug(
                    "opened {} user={} channels={} format={}",
                    connection.id(),
                    connection.user(),
                    connection.channels(),
                    connection.format());
        }
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason) {
        closed.get(reason).incrementAndGet();
        open.decrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug(
                    "closed {} user={} channels={} reason={}",
                    connection.id(),
                    connection.user(),
                    connection.channels(),
                    reason);
        }
    }

    /** Logs what changed since the last summary, if anything did. */
    void summarize() {
        long in = opened.getAndSet(0);
        long out = 0;
        StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
        for (Map.Entry<CloseReason, AtomicLong> entry : closed.entrySet()) {
            long n = entry.getValue().getAndSet(0);
            if (n > 0) {
                out += n;
                reasons.add(entry.getKey().name().toLowerCase(Locale.ROOT) + " " + n);
            }
        }
        if (in > 0 || out > 0) {
            log.info(
                    "streams: {} open; in the last {} s {} opened, {} closed{}",
                    open.get(),
                    interval.toSeconds(),
                    in,
                    out,
                    reasons);
        }
    }

    /** Stops the summaries, after a last one. */
    @Override
    public void close() {
        timer.shutdownNow();
        summarize();
    }
}
