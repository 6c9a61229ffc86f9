package io.ssemux.spring;

import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.PublishResult;
import io.ssemux.core.SsemuxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * How application code publishes: inject it and publish any value, which goes out as JSON (with the
 * application's own JSON mapper) on one channel, to every stream subscribed to it.
 *
 * <pre>{@code
 * @Transactional
 * void complete(Job job) {
 *     jobs.save(job.completed());
 *     publisher.publishAfterCommit("user:" + job.owner(), "job_completed", job);  // only if the save commits
 * }
 * }</pre>
 *
 * <p>Thread-safe: publish from any thread. For the raw API (a JSON text as it is, cluster-wide
 * futures), inject the {@link Hub}.
 */
public final class SsemuxPublisher {
    private static final Logger log = LoggerFactory.getLogger(SsemuxPublisher.class);
    private static final boolean TRANSACTIONS = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager",
            SsemuxPublisher.class.getClassLoader());

    private final Hub hub;
    private final Function<Object, String> json;

    /**
     * @param json writes a value as one JSON text
     */
    public SsemuxPublisher(Hub hub, Function<Object, String> json) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Publishes {@code value}, written as JSON, as an event of {@code type} on {@code channel}, now. In
     * cluster mode it returns once Redis has stored the event.
     *
     * @throws SsemuxException a bad channel or type, an event larger than the hub's limit, or the hub
     *     cannot take it now ({@code UNAVAILABLE})
     */
    public PublishResult publish(String channel, String type, Object value) {
        return hub.publish(channel, type, json.apply(value));
    }

    /** {@link #publish} without waiting: the future completes once the hub (or Redis) has the event. */
    public CompletableFuture<PublishResult> publishAsync(String channel, String type, Object value) {
        return hub.publishAsync(channel, type, json.apply(value));
    }

    /**
     * Publishes once the current transaction commits, and never if it rolls back; at once when no
     * transaction is active (or Spring's transaction support is absent). The value is written as JSON
     * and checked now, so a bad channel, type or size fails the caller (and rolls its transaction back)
     * rather than vanish later; a failure after the commit (the hub closing, Redis away) is logged.
     *
     * @throws SsemuxException a bad channel or type, or an event larger than the hub's limit
     */
    public void publishAfterCommit(String channel, String type, Object value) {
        Names.checkPublishable(channel);
        Names.checkEventType(type);
        String data = json.apply(value);
        int bytes = data.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > hub.config().maxEventBytes()) {
            throw SsemuxException.payloadTooLarge("data: " + bytes + " bytes (expected: at most "
                    + hub.config().maxEventBytes() + ", the hub's max-event-bytes)");
        }
        if (TRANSACTIONS && AfterCommit.register(() -> publishLogged(channel, type, data))) {
            return;
        }
        hub.publish(channel, type, data);
    }

    private void publishLogged(String channel, String type, String data) {
        try {
            hub.publishAsync(channel, type, data).whenComplete((result, failure) -> {
                if (failure != null) {
                    log.error("an event published after commit on {} was lost", Names.quote(channel), failure);
                }
            });
        } catch (SsemuxException e) {
            log.error("an event published after commit on {} was lost", Names.quote(channel), e);
        }
    }

    /** Spring's transaction synchronization, loaded only when spring-tx is present. */
    private static final class AfterCommit {
        private AfterCommit() {}

        /** Runs {@code task} after the current transaction commits; false when there is none. */
        static boolean register(Runnable task) {
            if (!TransactionSynchronizationManager.isSynchronizationActive()) {
                return false;
            }
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    task.run();
                }
            });
            return true;
        }
    }
}
