package io.ssemux.core;

import static java.util.Objects.requireNonNull;

import io.ssemux.core.spi.Backplane;
import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.EventLog;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.Replay;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.sse.SseEncoder;
import io.ssemux.core.time.Scheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub.
 *
 * <p>Concurrency: one lock orders publishes, connects, subscription changes and removals. Under it a
 * publish takes its id from the log and offers the event to the {@link Outbox} of each executor
 * (I/O thread) that has subscribers; an outbox is drained in order on its executor, so each
 * connection sees events in id order, and a connect that registers under the lock gets exactly the
 * events after its replay (live events that overtake its opening task wait in its backlog). The
 * work under the lock is O(executors), not O(subscribers): the per-connection writes run on the
 * executors, in parallel.
 *
 * <p>Stats: the indexes that the stats read ({@code byChannel}, {@code byUser}, {@code byId}) are
 * concurrent maps, changed under the lock but read without it ({@link Subscribers#size()} is
 * volatile, a user's streams are a copy-on-write array), so {@link #stats()}, {@link #connectionsOf}, {@link #subscribersOf} and
 * {@link #top} never take the lock, and a dashboard polling them cannot hold up a publish.
 *
 * <p>Cluster mode (a {@link Backplane} instead of an {@link EventLog}): a publish only appends to the
 * backplane, off the lock; every event, this node's included, comes back through the backplane's
 * reader, which {@linkplain #dispatch dispatches} it under the lock exactly as a local publish is.
 * A resuming connection is registered at the hub's read position and its replay, fetched from the
 * backplane afterwards, goes out before the live events that queued behind it meanwhile; a cursor
 * ahead of that position (from a node that has read further) waits until this node's reader gets
 * there, so nothing is sent twice.
 */
final class DefaultHub implements Hub {
    private static final Frame HEARTBEAT_COMMENT = SseEncoder.comment("heartbeat");
    private static final Frame HEARTBEAT_EVENT = SseEncoder.event(null, ControlEvents.HEARTBEAT, "{}");
    private static final ConnectionState[] NO_STREAMS = new ConnectionState[0];
    /** How long a resume from a cursor ahead of this node's read position waits for the reader to get there. */
    static final Duration RESUME_WAIT = Duration.ofSeconds(5);
    /**
     * The most resumes that may wait for the reader at once: each is checked on every event the reader
     * brings, so a flood of made-up cursors must not make every event cost more. Beyond, a reset.
     */
    static final int MAX_AWAITING = 1024;
    /** The pause before a replay that failed (the backplane unreachable) is asked for again. */
    static final Duration REPLAY_RETRY = Duration.ofSeconds(1);

    private final HubConfig config;
    private final EventLog log; // null in cluster mode
    private final Backplane backplane; // null on a single node
    private String position; // guarded by lock; cluster mode: the cursor after the last event dispatched
    private final List<Resume> awaitingPosition = new ArrayList<>(); // guarded by lock
    private final HubListener listener;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private Scheduler.Cancellable nextTick; // guarded by lock
    private final SecureRandom random = new SecureRandom();
    private final Frame evictedFrame;

    private final Clock clock;

    private final Object lock = new Object();
    private final Map<String, Subscribers> byChannel = new ConcurrentHashMap<>(); // changed under lock
    private final Subscribers allChannels = new Subscribers(); // changed under lock
    private int restrictedAll; // guarded by lock: connections in allChannels that may not read every public channel
    // Changed under lock; each value is an array never changed once in the map, oldest stream first.
    private final Map<String, ConnectionState[]> byUser = new ConcurrentHashMap<>();
    private final Map<String, ConnectionState> byId = new ConcurrentHashMap<>();
    private final Map<Executor, Outbox> outboxes = new ConcurrentHashMap<>(); // one per executor, kept
    private volatile boolean closed; // written under lock; read without it by readiness()
    private volatile boolean draining; // written under lock
    private CompletableFuture<Void> drained; // guarded by lock

    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closedCount = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder slowConsumers = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();

    DefaultHub(
            HubConfig config,
            EventLog log,
            Backplane backplane,
            HubListener listener,
            Scheduler scheduler,
            boolean ownsScheduler,
            Clock clock) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.backplane = backplane;
        this.listener = listener;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.evictedFrame = SseEncoder.event(
                null,
                ControlEvents.EVICTED,
                ControlEvents.Evicted.tooManyConnections(config.maxConnectionsPerUser())
                        .toJson());
        synchronized (lock) {
            nextTick = scheduler.schedule(config.heartbeat(), this::tick);
        }
    }

    @Override
    public HubConfig config() {
        return config;
    }

    /** Cluster mode: starts the backplane's reader. Called once, by the builder, after construction. */
    void startReading() {
        backplane.start(new Backplane.Reader() {
            @Override
            public void event(Event event) {
                dispatch(event);
            }

            @Override
            public void position(String cursor) {
                moveTo(cursor);
            }

            @Override
            public void missed(String cursor) {
                missedUpTo(cursor);
            }

            @Override
            public CompletableFuture<String> request(String request) {
                return CompletableFuture.completedFuture(answer(request));
            }

            @Override
            public String report() {
                return NodeRequests.report(stats());
            }
        });
    }

    /** Cluster mode: does what another node asks of a connection held here, and says how it went. */
    private String answer(String request) {
        try {
            Map<String, Object> fields = NodeRequests.read(request);
            String connectionId = NodeRequests.text(fields, "connectionId");
            String op = String.valueOf(NodeRequests.op(fields));
            return switch (op) {
                case NodeRequests.SUBSCRIPTIONS ->
                    NodeRequests.channels(updateSubscriptions(
                            NodeRequests.text(fields, "user"),
                            connectionId,
                            NodeRequests.strings(fields, "subscribe"),
                            NodeRequests.strings(fields, "unsubscribe")));
                case NodeRequests.REFRESH ->
                    NodeRequests.channels(refresh(connectionId, NodeRequests.principal(fields)));
                case NodeRequests.EVICT -> {
                    evictHere(connectionId);
                    yield NodeRequests.done();
                }
                default -> throw SsemuxException.badRequest("op: " + Names.quote(op) + " (expected: a node request)");
            };
        } catch (SsemuxException e) {
            return NodeRequests.error(e);
        } catch (IllegalArgumentException e) {
            return NodeRequests.error(SsemuxException.badRequest("node request: " + e.getMessage()));
        }
    }

    /** Ends a connection held here as one too many of its user's; nothing when it is gone already. */
    private void evictHere(String connectionId) {
        ConnectionState connection = connectionId == null ? null : byId.get(connectionId);
        if (connection == null) {
            return;
        }
        synchronized (lock) {
            if (!removeLocked(connection, CloseReason.EVICTED)) {
                return;
            }
        }
        afterRemoval(connection, CloseReason.EVICTED);
        execute(connection.executor(), () -> connection.end(evictedFrame));
    }

    /** Cluster mode: the cluster-wide per-user cap, after a connect; the oldest anywhere go. */
    private void enforceClusterCap(ConnectionState connection) {
        backplane
                .register(connection.user(), connection.id(), config.maxConnectionsPerUser())
                .thenAccept(victims -> {
                    for (String victim : victims) {
                        String node = nodeOf(victim);
                        if (node == null || node.equals(backplane.nodeId())) {
                            evictHere(victim);
                        } else {
                            backplane.ask(node, NodeRequests.evict(victim));
                        }
                    }
                });
    }

    /** The node a connection id names (cluster ids are {@code <node>.<random>}), or null. */
    private static String nodeOf(String connectionId) {
        int dot = connectionId == null ? -1 : connectionId.indexOf('.');
        return dot <= 0 ? null : connectionId.substring(0, dot);
    }

    @Override
    public CompletableFuture<Set<String>> updateSubscriptionsAsync(
            String user, String connectionId, Collection<String> subscribe, Collection<String> unsubscribe) {
        String node = remoteNodeOf(connectionId);
        if (node == null) {
            return CompletableFuture.completedFuture(updateSubscriptions(user, connectionId, subscribe, unsubscribe));
        }
        checkChannels(subscribe, "subscribe");
        checkChannels(unsubscribe, "unsubscribe");
        return backplane
                .ask(node, NodeRequests.subscriptions(user, connectionId, subscribe, unsubscribe))
                .thenApply(answer -> NodeRequests.channelsOf(answer, config.retry()));
    }

    @Override
    public CompletableFuture<Set<String>> refreshAsync(String connectionId, Principal principal) {
        String node = remoteNodeOf(connectionId);
        if (node == null) {
            return CompletableFuture.completedFuture(refresh(connectionId, principal));
        }
        return backplane
                .ask(node, NodeRequests.refresh(connectionId, principal))
                .thenApply(answer -> NodeRequests.channelsOf(answer, config.retry()));
    }

    /** Cluster mode: the other node that holds {@code connectionId}; null when it is this one's (or none's). */
    private String remoteNodeOf(String connectionId) {
        if (backplane == null || connectionId == null || byId.containsKey(connectionId)) {
            return null;
        }
        String node = nodeOf(connectionId);
        return node == null || node.equals(backplane.nodeId()) ? null : node;
    }

    @Override
    public CompletableFuture<Map<String, HubStats>> clusterStats() {
        if (backplane == null) {
            return CompletableFuture.completedFuture(Map.of("local", stats()));
        }
        EventLog.Stats history = backplane.stats();
        return backplane.reports().thenApply(reports -> {
            Map<String, HubStats> byNode = new java.util.TreeMap<>();
            reports.forEach((node, report) -> {
                HubStats stats = NodeRequests.stats(report, history);
                if (stats != null) {
                    byNode.put(node, stats);
                }
            });
            byNode.put(backplane.nodeId(), stats()); // this node's, fresh
            return byNode;
        });
    }

    @Override
    public PublishResult publish(String channel, String type, String data) {
        if (backplane == null) {
            return publishLocally(channel, type, data);
        }
        try {
            return publishAsync(channel, type, data).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SsemuxException refused) {
                throw refused;
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<PublishResult> publishAsync(String channel, String type, String data) {
        if (backplane == null) {
            return CompletableFuture.completedFuture(publishLocally(channel, type, data));
        }
        check(channel, type, data);
        synchronized (lock) {
            if (closed) {
                throw SsemuxException.unavailable("the hub is shut down", config.retry());
            }
        }
        return backplane.append(channel, type, data).thenApply(id -> {
            published.increment();
            return new PublishResult(id, readers(channel));
        });
    }

    private void check(String channel, String type, String data) {
        Names.checkPublishable(channel);
        Names.checkEventType(type);
        if (data == null) {
            throw SsemuxException.badRequest("data: missing (expected: a JSON value)");
        }
        checkSize(data);
    }

    /** This node's streams that get an event of {@code channel}, counted now, without the lock. */
    private int readers(String channel) {
        Subscribers subscribers = byChannel.get(channel);
        return (subscribers == null ? 0 : subscribers.size()) + allReaders(channel);
    }

    /** Cluster mode: an event the backplane read, from any node, goes to this node's subscribers. Reader thread. */
    private void dispatch(Event event) {
        EncodedEvent encoded = EncodedEvent.of(event);
        List<Resume> admitted;
        synchronized (lock) {
            if (closed) {
                return;
            }
            Subscribers subscribers = byChannel.get(event.channel());
            if (subscribers != null) {
                fanOut(subscribers, encoded, null);
            }
            fanOutToAll(encoded);
            position = event.id();
            admitted = admitReached();
        }
        admitted.forEach(this::fetchReplay);
    }

    /** Cluster mode: the reader's position moved without an event. Reader thread. */
    private void moveTo(String cursor) {
        List<Resume> admitted;
        synchronized (lock) {
            position = cursor;
            admitted = admitReached();
        }
        admitted.forEach(this::fetchReplay);
    }

    /**
     * Cluster mode: events up to {@code cursor} were dropped from the shared log before this node
     * read them. Every stream here gets a {@code too_old} reset, in order with its live events (through
     * the outboxes), whose id moves the client's cursor past the gap. Reader thread.
     */
    private void missedUpTo(String cursor) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            EncodedEvent reset = EncodedEvent.control(
                    cursor,
                    ControlEvents.RESET,
                    new ControlEvents.Reset(Replay.TOO_OLD, position == null ? "" : position).toJson());
            IdentityHashMap<Outbox, List<ConnectionState>> byOutbox = new IdentityHashMap<>();
            for (ConnectionState connection : byId.values()) {
                byOutbox.computeIfAbsent(connection.outbox(), outbox -> new ArrayList<>())
                        .add(connection);
            }
            byOutbox.forEach((outbox, members) ->
                    outbox.offer(reset, members.toArray(ConnectionState[]::new), members.size(), null));
        }
        moveTo(cursor); // the reader's thread: nothing is dispatched between the resets and the move
    }

    private PublishResult publishLocally(String channel, String type, String data) {
        check(channel, type, data);
        EncodedEvent event;
        int handed;
        synchronized (lock) {
            if (closed) {
                throw SsemuxException.unavailable("the hub is shut down", config.retry());
            }
            event = log.append(channel, type, data);
            Subscribers subscribers = byChannel.get(channel);
            handed = subscribers == null ? 0 : fanOut(subscribers, event, null);
            fanOutToAll(event);
            handed += allReaders(channel);
        }
        published.increment();
        return new PublishResult(event.event().id(), handed);
    }

    /** Refuses data of more than {@link HubConfig#maxEventBytes} in UTF-8, counting without copying. */
    private void checkSize(String data) {
        int limit = config.maxEventBytes();
        if (data.length() <= limit / 3) {
            return; // no char takes more than 3 bytes in UTF-8 (a surrogate pair takes 4 for 2 chars)
        }
        long bytes = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        if (bytes > limit) {
            throw SsemuxException.payloadTooLarge(
                    "data: " + bytes + " bytes (expected: at most " + limit + ", the largest event)");
        }
    }

    private static int fanOut(Subscribers subscribers, EncodedEvent event, String readableBy) {
        for (Subscribers.Group group : subscribers.groups()) {
            group.outbox().offer(event, group.members(), group.count(), readableBy);
        }
        return subscribers.size();
    }

    /**
     * Hands an event to the connections subscribed to {@code all}, which get only the channels their
     * user may read: the executors check each one, unless every one of them may read this channel
     * (a public channel, and no restricted grants among them). Holds lock.
     */
    private void fanOutToAll(EncodedEvent event) {
        if (allChannels.size() == 0) {
            return;
        }
        String channel = event.event().channel();
        fanOut(allChannels, event, restrictedAll == 0 && !Grants.isPrivate(channel) ? null : channel);
    }

    /**
     * How many connections on {@code all} may read {@code channel}: all of them, unless some have
     * restricted grants or the channel is private; then each is asked. Under the lock it is exact;
     * without it (a cluster publish's {@code delivered}), a count of the moment.
     */
    private int allReaders(String channel) {
        int all = allChannels.size(); // the volatile read makes the groups written before it visible
        if (all == 0 || (restrictedAll == 0 && !Grants.isPrivate(channel))) {
            return all;
        }
        int readers = 0;
        for (Subscribers.Group group : allChannels.groups()) {
            ConnectionState[] members = group.members();
            for (int i = 0; i < group.count(); i++) {
                if (members[i].mayRead(channel)) {
                    readers++;
                }
            }
        }
        return readers;
    }

    @Override
    public Connection connect(ConnectRequest request, SseSink sink) {
        Set<String> channels = checkChannels(request.channels(), "channels");
        checkGranted(request.principal(), channels);
        Outbox outbox = outboxes.computeIfAbsent(sink.executor(), executor -> new Outbox(this, executor));
        ConnectionState connection = new ConnectionState(
                this,
                newConnectionId(),
                request.principal(),
                request.format(),
                Set.copyOf(channels),
                sink,
                outbox,
                config.historyMaxEvents() + 1024);
        List<ConnectionState> victims = new ArrayList<>();
        Resume resume = null;
        StringBuilder opening =
                SseEncoder.appendRetry(new StringBuilder(256), config.retry().toMillis());
        SseEncoder.appendEvent(
                opening,
                null,
                ControlEvents.CONNECTED,
                new ControlEvents.Connected(connection.id(), List.copyOf(channels), config.heartbeat()).toJson());
        synchronized (lock) {
            if (closed) {
                throw SsemuxException.unavailable("the hub is shut down", config.retry());
            }
            if (draining) {
                throw SsemuxException.unavailable(
                        "this node is draining for a restart (expected: connect again; another node takes the stream)",
                        config.retry());
            }
            if (byId.size() >= config.maxConnections()) {
                throw SsemuxException.unavailable(
                        "connection limit reached: " + config.maxConnections()
                                + " streams are open (expected: retry later)",
                        config.retry());
            }
            if (request.lastEventId() != null && backplane != null) {
                resume = resumeFromBackplane(connection, request.lastEventId(), opening);
            } else if (request.lastEventId() != null) {
                Replay replay = log.replaySince(request.lastEventId(), connection::accepts);
                if (replay.isReset()) {
                    SseEncoder.appendEvent(
                            opening,
                            replay.headId(),
                            ControlEvents.RESET,
                            new ControlEvents.Reset(replay.resetReason(), request.lastEventId()).toJson());
                } else {
                    connection.queueReplay(replay.events());
                }
            }
            ConnectionState[] ofUser = byUser.get(connection.user());
            while (ofUser != null && ofUser.length >= config.maxConnectionsPerUser()) {
                ConnectionState oldest = ofUser[0];
                removeLocked(oldest, CloseReason.EVICTED);
                victims.add(oldest);
                ofUser = byUser.get(connection.user());
            }
            ConnectionState[] grown =
                    ofUser == null ? new ConnectionState[1] : Arrays.copyOf(ofUser, ofUser.length + 1);
            grown[grown.length - 1] = connection;
            byUser.put(connection.user(), grown);
            byId.put(connection.id(), connection);
            index(connection, channels);
            scheduleExpiry(connection);
            Frame openingFrame = Frame.wrap(opening.toString().getBytes(StandardCharsets.UTF_8));
            execute(connection.executor(), () -> connection.start(openingFrame));
        }
        if (resume != null && resume.upTo() != null) {
            fetchReplay(resume);
        }
        if (backplane != null) {
            enforceClusterCap(connection);
        }
        opened.increment();
        listener.opened(connection.info());
        for (ConnectionState victim : victims) {
            afterRemoval(victim, CloseReason.EVICTED);
            execute(victim.executor(), () -> victim.end(evictedFrame));
        }
        return connection;
    }

    @Override
    public Set<String> updateSubscriptions(
            String user, String connectionId, Collection<String> subscribe, Collection<String> unsubscribe) {
        Set<String> added = checkChannels(subscribe, "subscribe");
        Set<String> removed = checkChannels(unsubscribe, "unsubscribe");
        for (String channel : added) {
            if (removed.contains(channel)) {
                throw SsemuxException.badRequest(
                        "channel '" + channel + "': in both subscribe and unsubscribe (expected: one of them)");
            }
        }
        ConnectionState connection = connectionId == null ? null : byId.get(connectionId);
        if (connection == null) {
            throw SsemuxException.notFound("connection " + Names.quote(connectionId)
                    + ": not open (expected: the connectionId of a live stream)");
        }
        if (!connection.user().equals(user)) {
            throw SsemuxException.forbidden("connection " + Names.quote(connectionId) + ": belongs to another user");
        }
        synchronized (lock) {
            if (connection.isRemoved()) {
                throw SsemuxException.notFound("connection " + Names.quote(connectionId)
                        + ": not open (expected: the connectionId of a live stream)");
            }
            checkGranted(connection.principal(), added);
            Set<String> next = new LinkedHashSet<>(connection.channels());
            next.removeAll(removed);
            next.addAll(added);
            if (next.size() > config.maxChannels()) {
                throw SsemuxException.badRequest("channels: " + next.size() + " after the change (expected: at most "
                        + config.maxChannels() + ")");
            }
            unindex(connection, connection.channels());
            Set<String> now = Set.copyOf(next);
            connection.channels(now);
            index(connection, now);
            return now;
        }
    }

    @Override
    public Set<String> refresh(String connectionId, Principal principal) {
        ConnectionState connection = connectionId == null ? null : byId.get(connectionId);
        if (connection == null) {
            throw SsemuxException.notFound("connection " + Names.quote(connectionId)
                    + ": not open (expected: the connectionId of a live stream)");
        }
        if (!connection.user().equals(principal.user())) {
            throw SsemuxException.forbidden("connection " + Names.quote(connectionId) + ": belongs to another user");
        }
        synchronized (lock) {
            if (connection.isRemoved()) {
                throw SsemuxException.notFound("connection " + Names.quote(connectionId)
                        + ": not open (expected: the connectionId of a live stream)");
            }
            List<String> revoked = new ArrayList<>();
            for (String channel : connection.channels()) {
                if (!channel.equals(Names.ALL) && !principal.grants().maySubscribe(principal.user(), channel)) {
                    revoked.add(channel);
                }
            }
            unindex(connection, connection.channels());
            connection.principal(principal);
            Set<String> now = new LinkedHashSet<>(connection.channels());
            revoked.forEach(now::remove);
            connection.channels(Set.copyOf(now));
            index(connection, connection.channels());
            if (!revoked.isEmpty()) {
                Frame frame =
                        SseEncoder.event(null, ControlEvents.REVOKED, new ControlEvents.Revoked(revoked).toJson());
                execute(connection.executor(), () -> connection.control(frame));
            }
            scheduleExpiry(connection);
            return connection.channels();
        }
    }

    /**
     * A connection resuming from {@code cursor} in cluster mode: the replay up to {@code upTo} is to be
     * fetched; {@code upTo} is null while the connection waits for the reader to reach the cursor.
     */
    private record Resume(ConnectionState connection, String cursor, String upTo) {}

    /**
     * Cluster mode, under lock at connect: decides how the connection resumes. An unknown cursor gets
     * a reset in its opening; otherwise the connection's live events wait behind a replay fetched
     * after the lock, from its cursor to the read position, once the reader has reached the cursor.
     */
    private Resume resumeFromBackplane(ConnectionState connection, String cursor, StringBuilder opening) {
        Backplane.Standing standing =
                position == null ? Backplane.Standing.AHEAD : backplane.standing(position, cursor);
        if (standing == Backplane.Standing.INVALID
                || (standing == Backplane.Standing.AHEAD && awaitingPosition.size() >= MAX_AWAITING)) {
            SseEncoder.appendEvent(
                    opening,
                    position,
                    ControlEvents.RESET,
                    new ControlEvents.Reset(Replay.UNKNOWN_ID, cursor).toJson());
            return null;
        }
        connection.awaitReplay();
        if (standing == Backplane.Standing.REACHED) {
            return new Resume(connection, cursor, position);
        }
        connection.awaitingPosition(true);
        Resume waiting = new Resume(connection, cursor, null);
        awaitingPosition.add(waiting);
        scheduler.schedule(RESUME_WAIT, () -> giveUpWaiting(waiting));
        return waiting;
    }

    /** The waiting resumes whose cursor the reader has now reached, indexed from here on. Holds lock. */
    private List<Resume> admitReached() {
        if (awaitingPosition.isEmpty()) {
            return List.of();
        }
        List<Resume> admitted = new ArrayList<>();
        for (Iterator<Resume> i = awaitingPosition.iterator(); i.hasNext(); ) {
            Resume waiting = i.next();
            ConnectionState connection = waiting.connection();
            if (connection.isRemoved()) {
                i.remove();
            } else if (backplane.standing(position, waiting.cursor()) == Backplane.Standing.REACHED) {
                i.remove();
                connection.awaitingPosition(false);
                index(connection, connection.channels());
                admitted.add(new Resume(connection, waiting.cursor(), position));
            }
        }
        return admitted;
    }

    /** The reader did not reach a resume's cursor in time: the cursor was not one this cluster gave. */
    private void giveUpWaiting(Resume waiting) {
        ConnectionState connection = waiting.connection();
        String head;
        synchronized (lock) {
            if (!awaitingPosition.remove(waiting) || connection.isRemoved()) {
                return;
            }
            connection.awaitingPosition(false);
            index(connection, connection.channels());
            head = position;
        }
        Replay reset = Replay.reset(Replay.UNKNOWN_ID, head);
        execute(connection.executor(), () -> connection.replayArrived(reset, waiting.cursor()));
    }

    /** Asks the backplane for a resume's replay, again each {@link #REPLAY_RETRY} while it cannot answer. */
    private void fetchReplay(Resume resume) {
        ConnectionState connection = resume.connection();
        backplane
                .replay(resume.cursor(), resume.upTo(), connection::accepts, config.historyMaxEvents())
                .whenComplete((replay, failure) -> {
                    if (connection.isRemoved()) {
                        return;
                    }
                    if (failure != null) {
                        scheduler.schedule(REPLAY_RETRY, () -> fetchReplay(resume));
                        return;
                    }
                    execute(connection.executor(), () -> connection.replayArrived(replay, resume.cursor()));
                });
    }

    /** Refuses, naming them, the channels the principal may not read. */
    private static void checkGranted(Principal principal, Set<String> channels) {
        List<String> refused = new ArrayList<>();
        for (String channel : channels) {
            if (!channel.equals(Names.ALL) && !principal.grants().maySubscribe(principal.user(), channel)) {
                refused.add(channel);
            }
        }
        if (!refused.isEmpty()) {
            refused.sort(null);
            throw SsemuxException.forbidden(
                    "channels " + refused + ": not granted to user " + Names.quote(principal.user()));
        }
    }

    /**
     * Schedules what happens as the connection's credential nears its expiry: {@code token_expiring}
     * {@link HubConfig#tokenRefreshLead} before, then, unless a refresh came, {@code token_expired} and
     * the end of the stream. Replaces what an earlier credential had scheduled. Holds lock.
     */
    private void scheduleExpiry(ConnectionState connection) {
        connection.cancelExpiry();
        Instant expiresAt = connection.principal().expiresAt();
        if (expiresAt == null) {
            return;
        }
        Duration untilWarning = Duration.between(clock.instant(), expiresAt.minus(config.tokenRefreshLead()));
        connection.expiryTask(scheduler.schedule(untilWarning, () -> warnOfExpiry(connection, expiresAt)));
    }

    private void warnOfExpiry(ConnectionState connection, Instant expiresAt) {
        synchronized (lock) {
            if (connection.isRemoved()
                    || !expiresAt.equals(connection.principal().expiresAt())) {
                return;
            }
            Frame frame = SseEncoder.event(
                    null, ControlEvents.TOKEN_EXPIRING, new ControlEvents.TokenExpiry(expiresAt).toJson());
            execute(connection.executor(), () -> connection.control(frame));
            connection.expiryTask(scheduler.schedule(
                    Duration.between(clock.instant(), expiresAt), () -> expire(connection, expiresAt)));
        }
    }

    private void expire(ConnectionState connection, Instant expiresAt) {
        synchronized (lock) {
            if (!expiresAt.equals(connection.principal().expiresAt())
                    || !removeLocked(connection, CloseReason.TOKEN_EXPIRED)) {
                return;
            }
        }
        afterRemoval(connection, CloseReason.TOKEN_EXPIRED);
        Frame frame =
                SseEncoder.event(null, ControlEvents.TOKEN_EXPIRED, new ControlEvents.TokenExpiry(expiresAt).toJson());
        execute(connection.executor(), () -> connection.end(frame));
    }

    private Set<String> checkChannels(Collection<String> channels, String field) {
        if (channels == null) {
            return Set.of();
        }
        if (channels.size() > config.maxChannels()) {
            throw SsemuxException.badRequest(
                    field + ": " + channels.size() + " channels (expected: at most " + config.maxChannels() + ")");
        }
        Set<String> checked = new LinkedHashSet<>();
        for (String channel : channels) {
            checked.add(Names.checkSubscribable(channel));
        }
        return checked;
    }

    private void index(ConnectionState connection, Set<String> channels) {
        if (connection.awaitingPosition()) {
            return; // indexed when the reader reaches its cursor
        }
        if (channels.contains(Names.ALL)) {
            allChannels.add(connection);
            if (!connection.principal().grants().readsEveryPublicChannel()) {
                restrictedAll++;
            }
            return;
        }
        for (String channel : channels) {
            byChannel.computeIfAbsent(channel, c -> new Subscribers()).add(connection);
        }
    }

    private void unindex(ConnectionState connection, Set<String> channels) {
        if (connection.awaitingPosition()) {
            return;
        }
        if (channels.contains(Names.ALL)) {
            allChannels.remove(connection);
            if (!connection.principal().grants().readsEveryPublicChannel()) {
                restrictedAll--;
            }
            return;
        }
        for (String channel : channels) {
            Subscribers subscribers = byChannel.get(channel);
            if (subscribers != null) {
                subscribers.remove(connection);
                if (subscribers.size() == 0) {
                    byChannel.remove(channel);
                }
            }
        }
    }

    /** Takes a connection out of every index; idempotent, the first reason wins. Any thread. */
    void remove(ConnectionState connection, CloseReason reason) {
        synchronized (lock) {
            if (!removeLocked(connection, reason)) {
                return;
            }
        }
        afterRemoval(connection, reason);
    }

    private boolean removeLocked(ConnectionState connection, CloseReason reason) {
        if (!connection.markRemoved(reason)) {
            return false;
        }
        unindex(connection, connection.channels());
        connection.cancelExpiry();
        byId.remove(connection.id());
        ConnectionState[] ofUser = byUser.getOrDefault(connection.user(), NO_STREAMS);
        for (int i = 0; i < ofUser.length; i++) {
            if (ofUser[i] == connection) {
                if (ofUser.length == 1) {
                    byUser.remove(connection.user());
                } else {
                    ConnectionState[] rest = new ConnectionState[ofUser.length - 1];
                    System.arraycopy(ofUser, 0, rest, 0, i);
                    System.arraycopy(ofUser, i + 1, rest, i, rest.length - i);
                    byUser.put(connection.user(), rest);
                }
                break;
            }
        }
        return true;
    }

    private void afterRemoval(ConnectionState connection, CloseReason reason) {
        if (backplane != null) {
            backplane.unregister(connection.user(), connection.id());
        }
        closedCount.increment();
        if (reason == CloseReason.EVICTED) {
            evicted.increment();
        } else if (reason == CloseReason.SLOW_CONSUMER) {
            slowConsumers.increment();
        }
        listener.closed(connection.info(), reason);
    }

    void countDelivered(int n) {
        if (n > 0) {
            delivered.add(n);
        }
    }

    void countBytes(long n) {
        if (n > 0) {
            bytesWritten.add(n);
        }
    }

    /** A live event reached the streams of one I/O thread, {@code nanos} after the hub took it. */
    void flushed(long nanos) {
        listener.flushed(nanos);
    }

    void countDropped(int n) {
        if (n > 0) {
            dropped.add(n);
        }
    }

    /**
     * Heartbeats every stream (one task per executor), expires old history and schedules the next
     * tick. Runs on the scheduler's thread.
     */
    private void tick() {
        IdentityHashMap<Executor, List<ConnectionState>> byExecutor = new IdentityHashMap<>();
        for (ConnectionState connection : byId.values()) {
            byExecutor
                    .computeIfAbsent(connection.executor(), e -> new ArrayList<>())
                    .add(connection);
        }
        byExecutor.forEach((executor, connections) -> execute(executor, () -> {
            for (ConnectionState connection : connections) {
                connection.heartbeat(connection.format() == Format.PLAIN ? HEARTBEAT_COMMENT : HEARTBEAT_EVENT);
            }
        }));
        synchronized (lock) {
            if (log != null) {
                log.expire();
            }
            if (!closed) {
                nextTick = scheduler.schedule(config.heartbeat(), this::tick);
            }
        }
    }

    @Override
    public HubStats stats() {
        return new HubStats(
                byId.size(),
                byUser.size(),
                byChannel.size() + (allChannels.size() > 0 ? 1 : 0),
                published.sum(),
                delivered.sum(),
                dropped.sum(),
                opened.sum(),
                closedCount.sum(),
                evicted.sum(),
                slowConsumers.sum(),
                bytesWritten.sum(),
                log != null ? log.stats() : backplane.stats());
    }

    @Override
    public int connectionsOf(String user) {
        requireNonNull(user, "user");
        ConnectionState[] ofUser = byUser.get(user);
        return ofUser == null ? 0 : ofUser.length;
    }

    @Override
    public int subscribersOf(String channel) {
        requireNonNull(channel, "channel");
        if (channel.equals(Names.ALL)) {
            return allChannels.size();
        }
        Subscribers subscribers = byChannel.get(channel);
        return subscribers == null ? 0 : subscribers.size();
    }

    @Override
    public HubTop top(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
        }
        Top channels = new Top(n);
        byChannel.forEach((channel, subscribers) -> channels.offer(channel, subscribers.size()));
        channels.offer(Names.ALL, allChannels.size());
        Top users = new Top(n);
        byUser.forEach((user, streams) -> users.offer(user, streams.length));
        return new HubTop(channels.largestFirst(), users.largestFirst());
    }

    /** The {@code n} largest counts offered, in a min-heap of {@code n}; not thread-safe. */
    private static final class Top {
        private static final Comparator<HubTop.Entry> LARGEST_FIRST =
                Comparator.comparingInt(HubTop.Entry::count).reversed().thenComparing(HubTop.Entry::name);

        private final int n;
        private final PriorityQueue<HubTop.Entry> smallestFirst;

        Top(int n) {
            this.n = n;
            this.smallestFirst = new PriorityQueue<>(Math.min(n, 128) + 1, LARGEST_FIRST.reversed());
        }

        void offer(String name, int count) {
            if (count <= 0) {
                return; // emptied since it was read
            }
            if (smallestFirst.size() == n) {
                HubTop.Entry smallest = smallestFirst.peek();
                if (count < smallest.count() || (count == smallest.count() && name.compareTo(smallest.name()) > 0)) {
                    return;
                }
            }
            smallestFirst.add(new HubTop.Entry(name, count));
            if (smallestFirst.size() > n) {
                smallestFirst.poll();
            }
        }

        List<HubTop.Entry> largestFirst() {
            List<HubTop.Entry> entries = new ArrayList<>(smallestFirst);
            entries.sort(LARGEST_FIRST);
            return entries;
        }
    }

    @Override
    public CompletableFuture<Void> drain(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("window: " + window + " (expected: zero or more)");
        }
        List<ConnectionState> streams;
        CompletableFuture<Void> done;
        synchronized (lock) {
            if (drained != null) {
                return drained;
            }
            drained = done = new CompletableFuture<>();
            if (closed) {
                done.complete(null);
                return done;
            }
            draining = true;
            streams = new ArrayList<>(byId.values());
        }
        if (streams.isEmpty()) {
            done.complete(null);
            return done;
        }
        java.util.Collections.shuffle(streams, random);
        long windowNanos = window.toNanos();
        for (int i = 0; i < streams.size(); i++) {
            ConnectionState stream = streams.get(i);
            boolean last = i == streams.size() - 1;
            Duration at = Duration.ofNanos(windowNanos * i / streams.size());
            scheduler.schedule(at, () -> {
                drainOne(stream);
                if (last) {
                    done.complete(null);
                }
            });
        }
        return done;
    }

    /** Ends one stream of a draining hub, after telling it when to reconnect. Scheduler thread. */
    private void drainOne(ConnectionState stream) {
        synchronized (lock) {
            if (!removeLocked(stream, CloseReason.DRAINED)) {
                return;
            }
        }
        afterRemoval(stream, CloseReason.DRAINED);
        Duration reconnectAfter =
                Duration.ofMillis((long) (random.nextDouble() * config.retry().toMillis()));
        StringBuilder farewell = SseEncoder.appendRetry(new StringBuilder(128), reconnectAfter.toMillis());
        SseEncoder.appendEvent(
                farewell, null, ControlEvents.DRAINING, new ControlEvents.Draining(reconnectAfter).toJson());
        Frame frame = Frame.wrap(farewell.toString().getBytes(StandardCharsets.UTF_8));
        execute(stream.executor(), () -> stream.end(frame));
    }

    @Override
    public Readiness readiness() {
        if (closed) {
            return Readiness.CLOSED;
        }
        if (draining) {
            return Readiness.DRAINING;
        }
        if (backplane != null && !backplane.reachable()) {
            return Readiness.BACKPLANE_UNREACHABLE;
        }
        return Readiness.READY;
    }

    @Override
    public void close() {
        List<ConnectionState> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            nextTick.cancel();
            all = new ArrayList<>(byId.values());
            for (ConnectionState connection : all) {
                removeLocked(connection, CloseReason.SHUTDOWN);
            }
        }
        for (ConnectionState connection : all) {
            afterRemoval(connection, CloseReason.SHUTDOWN);
            execute(connection.executor(), () -> connection.end(null));
        }
        if (ownsScheduler) {
            scheduler.close();
        }
        if (log != null) {
            log.close();
        } else {
            backplane.close();
        }
    }

    /** A random id; in cluster mode prefixed with the node's id, so any node knows where it lives. */
    private String newConnectionId() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return backplane == null ? id : backplane.nodeId() + "." + id;
    }

    /** Runs a task on a connection's executor; a stopped executor means its connections are gone already. */
    private static void execute(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The transport is shutting down: its channels close and report themselves.
        }
    }

    /** For tests: how many connections the indexes hold, across all of them. */
    int indexedConnections() {
        synchronized (lock) {
            int n = allChannels.size();
            for (Subscribers subscribers : byChannel.values()) {
                n += subscribers.size();
            }
            return n
                    + byUser.values().stream()
                            .mapToInt(streams -> streams.length)
                            .sum()
                    + byId.size();
        }
    }
}
