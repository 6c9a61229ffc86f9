package io.ssemux.core;

import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.Replay;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.sse.SseEncoder;
import io.ssemux.core.time.Scheduler;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The hub's record of one stream.
 *
 * <p>Concurrency: {@link #channels} is written under the hub's lock and read anywhere. The
 * delivery state ({@code backlog}, {@code ending}, {@code unflushed}) belongs to the sink's
 * executor, with one exception: at connect, under the hub's lock, {@link #queueReplay} fills the
 * backlog before the task that starts the stream is submitted to the executor (the submission
 * publishes it); from then on only the executor touches it. {@code closeReason} is set once, by
 * whoever removes the connection from the hub's indexes first.
 *
 * <p>Backlog: while a stream is catching up (its {@code connected} frame and replay not yet all
 * written), live events queue behind the replay, so the two never interleave or leave a gap. The
 * backlog drains as fast as the sink stays writable; past {@code backlogLimit} the stream is cut
 * as a slow consumer. In cluster mode the replay is fetched after connect ({@link #awaitReplay}):
 * the backlog then holds live events until {@link #replayArrived} puts the replay in front of them.
 */
final class ConnectionState implements Connection {
    private static final AtomicReferenceFieldUpdater<ConnectionState, CloseReason> CLOSE_REASON =
            AtomicReferenceFieldUpdater.newUpdater(ConnectionState.class, CloseReason.class, "closeReason");

    private final DefaultHub hub;
    private final String id;
    private final String user;
    private volatile Principal principal;
    private Scheduler.Cancellable expiryTask; // guarded by the hub's lock
    private final Format format;
    private final SseSink sink;
    private final Outbox outbox;
    private final int backlogLimit;
    private volatile Set<String> channels;
    private volatile CloseReason closeReason;
    private boolean
            awaitingPosition; // guarded by the hub's lock: not indexed until the hub's reader reaches its cursor

    // Confined to the executor.
    private ArrayDeque<Frame> backlog = new ArrayDeque<>();
    private boolean ending;
    private boolean unflushed;
    private boolean replayPending; // set before the start task is submitted, like queueReplay

    ConnectionState(
            DefaultHub hub,
            String id,
            Principal principal,
            Format format,
            Set<String> channels,
            SseSink sink,
            Outbox outbox,
            int backlogLimit) {
        this.hub = hub;
        this.id = id;
        this.user = principal.user();
        this.principal = principal;
        this.format = format;
        this.channels = channels;
        this.sink = sink;
        this.outbox = outbox;
        this.backlogLimit = backlogLimit;
    }

    @Override
    public ConnectionInfo info() {
        return new ConnectionInfo(id, user, channels, format);
    }

    String id() {
        return id;
    }

    String user() {
        return user;
    }

    Set<String> channels() {
        return channels;
    }

    void channels(Set<String> channels) {
        this.channels = channels;
    }

    Format format() {
        return format;
    }

    /** The live events of this connection's executor, which is also {@code sink.executor()}. */
    Outbox outbox() {
        return outbox;
    }

    Executor executor() {
        return outbox.executor();
    }

    /** Whether the connection gets events of {@code channel}: subscribed to it, or to {@code all} and allowed to read it. */
    boolean accepts(String channel) {
        Set<String> subscribed = channels;
        return subscribed.contains(channel) || (subscribed.contains(Names.ALL) && mayRead(channel));
    }

    /** Whether the connection's user may read {@code channel}, as its credential in force says. */
    boolean mayRead(String channel) {
        return principal.grants().maySubscribe(user, channel);
    }

    Principal principal() {
        return principal;
    }

    /** A refreshed credential of the same user. Under the hub's lock. */
    void principal(Principal principal) {
        this.principal = principal;
    }

    /** Under the hub's lock. */
    void expiryTask(Scheduler.Cancellable task) {
        expiryTask = task;
    }

    /** Under the hub's lock. */
    void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel();
            expiryTask = null;
        }
    }

    /** Marks the connection removed; true for the one caller that did it. */
    boolean markRemoved(CloseReason reason) {
        return CLOSE_REASON.compareAndSet(this, null, reason);
    }

    boolean isRemoved() {
        return closeReason != null;
    }

    /**
     * Called under the hub's lock at connect, before the start task is submitted: the replay goes
     * into the backlog before any live event.
     */
    void queueReplay(List<EncodedEvent> replay) {
        for (EncodedEvent event : replay) {
            backlog.add(event.frame(format));
        }
    }

    /** Called under the hub's lock at connect, before the start task: the replay comes later, by {@link #replayArrived}. */
    void awaitReplay() {
        replayPending = true;
    }

    boolean awaitingPosition() {
        return awaitingPosition;
    }

    /** Under the hub's lock. */
    void awaitingPosition(boolean waiting) {
        awaitingPosition = waiting;
    }

    // ---- on the executor from here on ----

    /**
     * The replay fetched after connect (or a reset, which moves the client's cursor to its head id)
     * goes out ahead of the live events queued meanwhile. Runs on the executor, after {@link #start}.
     */
    void replayArrived(Replay replay, String lastEventId) {
        if (ending || !replayPending) {
            return;
        }
        ArrayDeque<Frame> frames = new ArrayDeque<>(replay.events().size() + backlog.size() + 1);
        if (replay.isReset()) {
            frames.add(SseEncoder.event(
                    replay.headId(),
                    ControlEvents.RESET,
                    new ControlEvents.Reset(replay.resetReason(), lastEventId).toJson()));
        }
        for (EncodedEvent event : replay.events()) {
            frames.add(event.frame(format));
        }
        frames.addAll(backlog);
        backlog = frames;
        replayPending = false;
        drain();
    }

    /** Writes the opening frames, then the backlog. Runs on the executor. */
    void start(Frame opening) {
        if (ending) {
            return;
        }
        sink.send(opening);
        hub.countBytes(opening.length());
        unflushed = true;
        if (replayPending) {
            unflushed = false;
            sink.flush();
            return;
        }
        drain();
    }

    /**
     * Hands a live event to the stream. Runs on the executor; the caller flushes and counts.
     *
     * @return the bytes written, 0 when it was not (queued behind a replay, or dropped)
     */
    int deliver(EncodedEvent event) {
        if (ending) {
            return 0;
        }
        if (backlog != null) {
            if (backlog.size() >= backlogLimit) {
                cutAsSlowConsumer(backlog.size() + 1);
                return 0;
            }
            backlog.add(event.frame(format));
            return 0;
        }
        if (!sink.isWritable() && !flushAndRecheck()) {
            cutAsSlowConsumer(1);
            return 0;
        }
        Frame frame = event.frame(format);
        sink.send(frame);
        unflushed = true;
        return frame.length();
    }

    /**
     * Bytes sent but not yet flushed count against the outbound limit too: when several events
     * coalesce into one flush, a fast reader may look full only because nothing was pushed yet.
     * Pushes them and tells whether the sink has room now.
     */
    private boolean flushAndRecheck() {
        if (!unflushed) {
            return false;
        }
        unflushed = false;
        sink.flush();
        return sink.isWritable();
    }

    void flushIfNeeded() {
        if (unflushed && !ending) {
            unflushed = false;
            sink.flush();
        }
    }

    /** Sends one of the server's own events, in order with the rest (behind a replay still being written). */
    void control(Frame frame) {
        if (ending) {
            return;
        }
        if (backlog != null) {
            backlog.add(frame);
            return;
        }
        sink.send(frame);
        hub.countBytes(frame.length());
        sink.flush();
    }

    void heartbeat(Frame heartbeat) {
        if (ending || (backlog != null && !replayPending)) { // a stream waiting for its replay has sent nothing else
            return;
        }
        if (!sink.isWritable()) {
            cutAsSlowConsumer(0);
            return;
        }
        sink.send(heartbeat);
        hub.countBytes(heartbeat.length());
        sink.flush();
    }

    @Override
    public void writable() {
        if (backlog != null && !ending && !replayPending) {
            drain();
        }
    }

    private void drain() {
        int sent = 0;
        long bytes = 0;
        while (!backlog.isEmpty() && sink.isWritable()) {
            Frame frame = backlog.poll();
            sink.send(frame);
            bytes += frame.length();
            sent++;
        }
        hub.countBytes(bytes);
        if (backlog.isEmpty()) {
            backlog = null;
        }
        hub.countDelivered(sent);
        unflushed = false;
        sink.flush();
    }

    private void cutAsSlowConsumer(int droppedEvents) {
        if (!sink.isOpen()) {
            // Not slow but gone: the transport closed it (a reset, a failed write) and its report is on the way.
            hub.remove(this, CloseReason.CLIENT_GONE);
            end(null);
            return;
        }
        hub.countDropped(droppedEvents);
        hub.remove(this, CloseReason.SLOW_CONSUMER);
        end(null);
    }

    /** Ends the stream with an optional last frame. Runs on the executor. */
    void end(Frame farewell) {
        if (ending) {
            return;
        }
        ending = true;
        backlog = null;
        sink.close(farewell);
    }

    @Override
    public void closed(CloseReason reason) {
        hub.remove(this, reason);
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + user + ", channels=" + channels + "]";
    }
}
