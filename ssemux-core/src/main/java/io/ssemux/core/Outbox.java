package io.ssemux.core;

import io.ssemux.core.spi.EncodedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The live events waiting for the connections of one executor (I/O thread), drained by one task.
 *
 * <p>A publish {@linkplain #offer offers} the event with that executor's subscribers; the first
 * offer after a drain schedules the next drain. A drain hands every waiting event to its
 * subscribers, then flushes each subscriber once. So when publishes come faster than an executor
 * writes, events coalesce: a connection gets several in one flush (one system call) instead of
 * one flush each; when it keeps up, each event is flushed at once, with no added latency.
 *
 * <p>Concurrency: {@link #offer} is called under the hub's lock, so offers are ordered as
 * publishes are; {@link #run} runs on the executor. Both meet on this object's monitor, held
 * only to swap the pending list.
 */
final class Outbox implements Runnable {
    /**
     * One published event and the subscribers it goes to on this executor: the first {@code count} of
     * {@code members}, slots that never change (see {@link Subscribers}); when {@code readableBy} is
     * not null, only those of them that may read that channel.
     */
    @SuppressWarnings("ArrayRecordComponent") // a shared snapshot, never compared or hashed
    private record Delivery(EncodedEvent event, ConnectionState[] members, int count, String readableBy) {}

    private final DefaultHub hub;
    private final Executor executor;
    private List<Delivery> pending = new ArrayList<>(); // guarded by this
    private boolean scheduled; // guarded by this
    private List<Delivery> draining = new ArrayList<>(); // confined to the executor

    Outbox(DefaultHub hub, Executor executor) {
        this.hub = hub;
        this.executor = executor;
    }

    Executor executor() {
        return executor;
    }

    /**
     * Queues {@code event} for the first {@code count} of {@code members}, scheduling a drain unless one
     * is already due. Any thread.
     */
    void offer(EncodedEvent event, ConnectionState[] members, int count, String readableBy) {
        boolean schedule;
        synchronized (this) {
            pending.add(new Delivery(event, members, count, readableBy));
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                // The transport is shutting down: its channels close and report themselves.
            }
        }
    }

    /** Delivers what is waiting, then flushes each connection that got something. Runs on the executor. */
    @Override
    public void run() {
        List<Delivery> batch;
        synchronized (this) {
            batch = pending;
            pending = draining;
            scheduled = false;
        }
        int sent = 0;
        long bytes = 0;
        for (Delivery delivery : batch) {
            String readableBy = delivery.readableBy();
            ConnectionState[] members = delivery.members();
            for (int i = 0; i < delivery.count(); i++) {
                ConnectionState member = members[i];
                if (readableBy == null || member.mayRead(readableBy)) {
                    int written = member.deliver(delivery.event());
                    if (written > 0) {
                        sent++;
                        bytes += written;
                    }
                }
            }
        }
        // Consecutive events of one channel share the array: one pass over it, extended to the
        // subscribers a later event of the batch had and an earlier one did not.
        ConnectionState[] flushed = null;
        int flushedCount = 0;
        for (Delivery delivery : batch) {
            int from = delivery.members() == flushed ? flushedCount : 0;
            flushed = delivery.members();
            for (int i = from; i < delivery.count(); i++) {
                flushed[i].flushIfNeeded();
            }
            flushedCount = Math.max(from, delivery.count());
        }
        hub.countDelivered(sent);
        hub.countBytes(bytes);
        long now = System.nanoTime();
        for (Delivery delivery : batch) {
            hub.flushed(now - delivery.event().acceptedNanos());
        }
        batch.clear();
        draining = batch;
    }
}
