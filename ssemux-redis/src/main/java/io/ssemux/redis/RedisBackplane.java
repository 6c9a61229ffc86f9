package io.ssemux.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.ssemux.core.Event;
import io.ssemux.core.HubConfig;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Backplane;
import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.spi.EventLog;
import io.ssemux.core.spi.Replay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Backplane} on Redis Streams, with Lettuce: every node appends its events to one of K
 * streams (a channel always to the same one, so each channel keeps one order) and reads all K back.
 *
 * <p>Keys: {@code <prefix>:{<i>}:events}, the stream, and {@code <prefix>:{<i>}:meta}, the bytes it
 * holds and the newest id trimmed from it, for i in [0, K); the hash tag keeps each pair in one slot
 * of a Redis Cluster, and the K streams spread over its shards. History is trimmed on every append
 * (and every {@link #EXPIRE_EVERY} for quiet streams) to the hub's limits, divided among the streams,
 * by a Lua script, so the trim and the record of what was trimmed are one atomic step.
 *
 * <p>Threads: appends and replays go out on one multiplexed connection and complete on Lettuce's
 * threads; a reader thread of its own ({@code ssemux-redis-reader}) blocks on {@code XREAD} on a
 * second connection and calls the hub's {@link Reader}. When Redis is unreachable, appends fail at
 * once ({@code UNAVAILABLE}, with {@link #RETRY_AFTER}); the reader retries and, once Redis is back,
 * goes on from its position, so nothing stored is skipped.
 *
 * <p>Nodes: each has a random id and, every {@link #REPORT_EVERY}, writes its report (and the time)
 * to the hash {@code <prefix>:nodes}; a node not heard of for {@link #NODE_TIMEOUT} is gone. Nodes
 * ask each other over Redis Pub/Sub (channel {@code <prefix>:node:<id>}). The per-user registry is a
 * sorted set per user ({@code <prefix>:user:<user>}, connection ids by opening time).
 */
public final class RedisBackplane implements Backplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);
    /** What a refused publish tells its client to wait. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How often quiet streams are trimmed by age and the stats refreshed. */
    static final Duration EXPIRE_EVERY = Duration.ofSeconds(5);

    /** How often a node writes its report; a node not heard of for {@link #NODE_TIMEOUT} is gone. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(2);

    static final Duration NODE_TIMEOUT = Duration.ofSeconds(10);
    /** The longest wait for another node's answer. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);
    /** How long a user's registry outlives its last connection's registration. */
    private static final Duration REGISTRY_TTL = Duration.ofDays(1);

    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final int READ_BATCH = 512;
    private static final String TRIM = script("trim.lua");
    private static final Script APPEND = new Script(TRIM + script("append.lua"));
    private static final Script EXPIRE = new Script(TRIM + script("expire.lua"));
    /**
     * The largest sequence a cursor can carry (12 base-36 digits): far beyond any millisecond's
     * entries, so (ms - 1, this) is just before (ms, 0).
     */
    private static final long LARGEST_SEQUENCE = 4_738_381_338_321_616_895L;

    private final String where;
    private final String nodeId;
    private final String prefix;
    private final String nodesKey;
    private final int streams;
    private final String[] streamKeys;
    private final String[] metaKeys;
    private final long maxEventsPerStream;
    private final long maxBytesPerStream;
    private final long maxAgeMillis;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> reading;
    private final StatefulRedisPubSubConnection<String, String> inbox;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<Long, CompletableFuture<String>> asked = new ConcurrentHashMap<>();
    private final AtomicLong askIds = new AtomicLong();
    private volatile Set<String> liveNodes = Set.of();
    private volatile boolean readerUp; // the reader's last round trip worked
    private volatile long lagMillis; // now minus the time of the newest entry of the last read; 0 when caught up
    private volatile Reader reader;
    private volatile EventLog.Stats stats = new EventLog.Stats(0, 0, null, null);
    private Thread readerThread;

    private RedisBackplane(Builder builder) {
        RedisURI uri = RedisURI.create(builder.uri);
        this.where = uri.getHost() + ":" + uri.getPort(); // never the password
        this.streams = builder.streams;
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.nodeId = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.prefix = builder.prefix;
        this.nodesKey = prefix + ":nodes";
        this.streamKeys = new String[streams];
        this.metaKeys = new String[streams];
        for (int i = 0; i < streams; i++) {
            streamKeys[i] = builder.prefix + ":{" + i + "}:events";
            metaKeys[i] = builder.prefix + ":{" + i + "}:meta";
        }
        this.maxEventsPerStream = Math.max(1, (builder.maxEvents + streams - 1) / streams);
        this.maxBytesPerStream = Math.max(1, (builder.maxBytes + streams - 1) / streams);
        this.maxAgeMillis = builder.maxAge.toMillis();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // A slow Redis must not let a flood of publishes queue without bound: beyond, 503.
                .requestQueueSize(builder.maxQueuedCommands)
                .timeoutOptions(TimeoutOptions.enabled(builder.commandTimeout))
                .build());
        try {
            this.commands = client.connect();
            this.reading = client.connect();
            this.inbox = client.connectPubSub();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IllegalStateException("redis at " + where + ": cannot connect (" + e.getMessage() + ")", e);
        }
        inbox.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                receive(message);
            }
        });
        inbox.sync().subscribe(inboxOf(nodeId));
        reading.setTimeout(BLOCK.plus(builder.commandTimeout));
    }

    /**
     * A backplane on the Redis at {@code uri}: {@code redis://host:port}, {@code rediss://} for TLS,
     * a password as {@code redis://:password@host:port} (Lettuce's URI syntax).
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    @Override
    public void start(Reader reader) {
        if (readerThread != null) {
            throw new IllegalStateException("started already");
        }
        this.reader = Objects.requireNonNull(reader, "reader");
        readerThread = new Thread(() -> read(reader), "ssemux-redis-reader");
        readerThread.setDaemon(true);
        readerThread.start();
    }

    @Override
    public CompletableFuture<String> append(String channel, String type, String data) {
        int stream = streamOf(channel);
        String[] args = {
            channel,
            type,
            data,
            Long.toString(maxEventsPerStream),
            Long.toString(maxBytesPerStream),
            Long.toString(maxAgeMillis)
        };
        return APPEND.<String>run(commands.async(), ScriptOutputType.VALUE, keys(stream), args)
                .handle((id, failure) -> {
                    if (failure != null) {
                        throw unavailable("publish", failure);
                    }
                    return streams == 1 ? id : stream + ":" + id;
                })
                .toCompletableFuture();
    }

    @Override
    public Standing standing(String position, String cursor) {
        Cursor client = Cursor.parse(cursor, streams);
        if (client == null) {
            return Standing.INVALID;
        }
        return Cursor.parse(position, streams).reaches(client) ? Standing.REACHED : Standing.AHEAD;
    }

    @Override
    public CompletableFuture<Replay> replay(String after, String upTo, Predicate<String> channels, int maxEvents) {
        Cursor from = Cursor.parse(after, streams);
        Cursor to = Cursor.parse(upTo, streams);
        if (from == null || to == null || !to.reaches(from)) {
            return CompletableFuture.completedFuture(Replay.reset(Replay.UNKNOWN_ID, upTo));
        }
        RedisAsyncCommands<String, String> redis = commands.async();
        List<CompletableFuture<List<Entry>>> reads = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            if (from.at(i).compareTo(to.at(i)) < 0) {
                reads.add(readRange(redis, i, from.at(i), to.at(i), maxEvents));
            }
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            if (failure != null) {
                throw unavailable("replay", failure);
            }
            List<Entry> entries = new ArrayList<>();
            for (CompletableFuture<List<Entry>> read : reads) {
                List<Entry> range = read.join();
                if (range == null) {
                    return Replay.reset(Replay.TOO_OLD, upTo);
                }
                entries.addAll(range);
            }
            if (entries.size() > maxEvents) {
                return Replay.reset(Replay.TOO_OLD, upTo);
            }
            entries.sort(Entry.ORDER);
            List<EncodedEvent> events = new ArrayList<>();
            Cursor running = from;
            for (Entry entry : entries) {
                running = running.with(entry.stream(), entry.id());
                if (channels.test(entry.channel())) {
                    events.add(EncodedEvent.of(entry.event(running)));
                }
            }
            return Replay.of(events);
        });
    }

    /**
     * The entries of one stream in (after, upTo], or null when some of them were trimmed (the
     * stream's floor is past {@code after}) or there are more than {@code maxEvents}.
     */
    private CompletableFuture<List<Entry>> readRange(
            RedisAsyncCommands<String, String> redis, int stream, StreamId after, StreamId upTo, int maxEvents) {
        CompletionStage<String> floor = redis.hget(metaKeys[stream], "floor");
        CompletionStage<List<StreamMessage<String, String>>> range = redis.xrange(
                streamKeys[stream],
                Range.from(Range.Boundary.excluding(after.toString()), Range.Boundary.including(upTo.toString())),
                Limit.from(maxEvents + 1L));
        return floor.thenCombine(range, (floorText, messages) -> {
                    StreamId trimmedUpTo = floorText == null ? null : StreamId.parse(floorText);
                    if ((trimmedUpTo != null && after.compareTo(trimmedUpTo) < 0) || messages.size() > maxEvents) {
                        return (List<Entry>) null;
                    }
                    List<Entry> entries = new ArrayList<>(messages.size());
                    for (StreamMessage<String, String> message : messages) {
                        Entry entry = Entry.of(stream, message);
                        if (entry != null) {
                            entries.add(entry);
                        }
                    }
                    return entries;
                })
                .toCompletableFuture();
    }

    @Override
    public EventLog.Stats stats() {
        return stats;
    }

    /**
     * How far behind Redis this node's reader is: at the last read, the time since the newest event it
     * got was stored (0 when it found nothing new). Clocks of Redis and this machine are compared.
     */
    public Duration lag() {
        return Duration.ofMillis(lagMillis);
    }

    @Override
    public boolean reachable() {
        return readerUp && commands.isOpen();
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public CompletableFuture<String> ask(String node, String request) {
        if (node.equals(nodeId)) {
            return reader.request(request);
        }
        long id = askIds.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        asked.put(id, answer);
        commands.async()
                .publish(inboxOf(node), "Q " + id + " " + nodeId + "\n" + request)
                .whenComplete((receivers, failure) -> {
                    if (failure != null) {
                        answer.completeExceptionally(unavailable("node " + node, failure));
                    } else if (receivers == 0) {
                        answer.completeExceptionally(SsemuxException.notFound("node " + Names.quote(node)
                                + ": gone, and its connections with it (expected: a live connection)"));
                    }
                });
        return answer.orTimeout(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((text, failure) -> {
            asked.remove(id);
            if (failure == null) {
                return text;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof SsemuxException refused) {
                throw refused;
            }
            throw SsemuxException.unavailable(
                    "node " + Names.quote(node) + ": did not answer within " + ASK_TIMEOUT.toSeconds() + " s",
                    RETRY_AFTER);
        });
    }

    /** A message to this node's inbox: a request to answer ({@code Q id from}) or an answer ({@code A id}). */
    private void receive(String message) {
        int newline = message.indexOf('\n');
        String[] head = (newline < 0 ? message : message.substring(0, newline)).split(" ", -1);
        String body = newline < 0 ? "" : message.substring(newline + 1);
        try {
            if (head.length == 3 && head[0].equals("Q") && reader != null) {
                String from = head[2];
                String id = head[1];
                reader.request(body)
                        .thenAccept(answer -> commands.async().publish(inboxOf(from), "A " + id + "\n" + answer));
            } else if (head.length == 2 && head[0].equals("A")) {
                CompletableFuture<String> waiting = asked.remove(Long.parseLong(head[1]));
                if (waiting != null) {
                    waiting.complete(body);
                }
            }
        } catch (RuntimeException e) {
            log.warn("redis at {}: a node message could not be handled: {}", where, e.toString());
        }
    }

    @Override
    public CompletableFuture<List<String>> register(String user, String connectionId, int cap) {
        String key = userKey(user);
        RedisAsyncCommands<String, String> redis = commands.async();
        redis.zadd(key, (double) openedMicros(), connectionId); // exact: micros fit in 53 bits
        redis.expire(key, REGISTRY_TTL.toSeconds());
        return redis.zrange(key, 0, -1)
                .thenCompose(members -> {
                    Set<String> live = liveNodes;
                    List<String> gone = new ArrayList<>();
                    List<String> open = new ArrayList<>();
                    for (String member : members) {
                        int dot = member.indexOf('.');
                        String node = dot < 0 ? "" : member.substring(0, dot);
                        if (node.equals(nodeId) || live.contains(node)) {
                            open.add(member);
                        } else {
                            gone.add(member);
                        }
                    }
                    List<String> victims = new ArrayList<>();
                    for (int i = 0; i < open.size() - cap; i++) {
                        if (!open.get(i).equals(connectionId)) {
                            victims.add(open.get(i));
                        }
                    }
                    List<String> removed = new ArrayList<>(gone);
                    removed.addAll(victims);
                    if (removed.isEmpty()) {
                        return CompletableFuture.completedFuture(victims);
                    }
                    // Completes once they are out of the registry, as the SPI promises.
                    return redis.zrem(key, removed.toArray(String[]::new)).thenApply(n -> victims);
                })
                .toCompletableFuture();
    }

    /** Now, in microseconds since the epoch: connections opened one after the other get distinct scores. */
    private static long openedMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    @Override
    public void unregister(String user, String connectionId) {
        commands.async().zrem(userKey(user), connectionId);
    }

    @Override
    public CompletableFuture<Map<String, String>> reports() {
        return commands.async()
                .hgetall(nodesKey)
                .thenApply(entries -> {
                    Map<String, String> reports = new TreeMap<>();
                    long now = System.currentTimeMillis();
                    entries.forEach((node, entry) -> {
                        NodeEntry parsed = NodeEntry.parse(entry);
                        if (parsed != null && now - parsed.seenMillis() <= NODE_TIMEOUT.toMillis()) {
                            reports.put(node, parsed.report());
                        }
                    });
                    return reports;
                })
                .toCompletableFuture();
    }

    /** Writes this node's report, learns which nodes are live and forgets long-gone ones. Reader thread. */
    private void report(RedisCommands<String, String> redis) {
        long now = System.currentTimeMillis();
        redis.hset(nodesKey, nodeId, now + " " + reader.report());
        Set<String> live = new java.util.HashSet<>();
        List<String> forgotten = new ArrayList<>();
        redis.hgetall(nodesKey).forEach((node, entry) -> {
            NodeEntry parsed = NodeEntry.parse(entry);
            long age = parsed == null ? Long.MAX_VALUE : now - parsed.seenMillis();
            if (age <= NODE_TIMEOUT.toMillis()) {
                live.add(node);
            } else if (age > 6 * NODE_TIMEOUT.toMillis()) {
                forgotten.add(node);
            }
        });
        if (!forgotten.isEmpty()) {
            redis.hdel(nodesKey, forgotten.toArray(String[]::new));
        }
        liveNodes = Set.copyOf(live);
    }

    /** The nodes this one last heard of, itself included once it has reported. */
    Set<String> liveNodes() {
        return liveNodes;
    }

    private String inboxOf(String node) {
        return prefix + ":node:" + node;
    }

    private String userKey(String user) {
        return prefix + ":user:" + user;
    }

    /** A node's entry in the nodes hash: when it last wrote, then its report. */
    private record NodeEntry(long seenMillis, String report) {
        static NodeEntry parse(String entry) {
            int space = entry.indexOf(' ');
            try {
                return space < 0
                        ? null
                        : new NodeEntry(Long.parseLong(entry.substring(0, space)), entry.substring(space + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** The reader thread: from the streams' present ends, every entry to {@code reader}, until closed. */
    private void read(Reader reader) {
        RedisCommands<String, String> redis = reading.sync();
        Cursor position = null;
        long[] numbers = new long[streams]; // the number of the last entry read from each stream; 0: unknown
        long nextExpiry = 0;
        long nextReport = 0;
        Duration backoff = Duration.ofMillis(100);
        boolean failing = false;
        while (closing.getCount() > 0) {
            try {
                if (position == null) {
                    position = heads(redis);
                    reader.position(position.encode());
                }
                if (System.nanoTime() - nextReport >= 0) {
                    report(redis);
                    nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
                }
                if (System.nanoTime() - nextExpiry >= 0) {
                    expireAndCount(redis, position);
                    nextExpiry = System.nanoTime() + EXPIRE_EVERY.toNanos();
                }
                List<StreamMessage<String, String>> messages =
                        redis.xread(XReadArgs.Builder.block(BLOCK).count(READ_BATCH), offsets(position));
                readerUp = true;
                List<Entry> entries = new ArrayList<>(messages.size());
                for (StreamMessage<String, String> message : messages) {
                    Entry entry = Entry.of(streamIndex(message.getStream()), message);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
                entries.sort(Entry.ORDER);
                for (Entry entry : entries) {
                    position = skipGap(reader, position, numbers[entry.stream()], entry);
                    numbers[entry.stream()] = entry.number();
                    position = position.with(entry.stream(), entry.id());
                    reader.event(entry.event(position));
                }
                lagMillis = entries.isEmpty()
                        ? 0
                        : Math.max(
                                0,
                                System.currentTimeMillis()
                                        - entries.get(entries.size() - 1).id().ms());
                if (failing) {
                    log.info("redis at {}: reading again from {}", where, position);
                    failing = false;
                    backoff = Duration.ofMillis(100);
                }
            } catch (RedisException e) {
                readerUp = false;
                if (closing.getCount() == 0) {
                    return;
                }
                if (!failing) {
                    log.warn("redis at {}: cannot read ({}); retrying from {}", where, e.getMessage(), position);
                    failing = true;
                }
                if (awaitClose(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                        ? Duration.ofSeconds(2)
                        : backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                log.error("redis at {}: the reader failed; retrying from {}", where, position, e);
                if (awaitClose(Duration.ofSeconds(1))) {
                    return;
                }
            }
        }
    }

    /**
     * When {@code entry}'s number is more than one past {@code last} (the number of the entry read
     * before it in its stream; 0: unknown), the entries between were trimmed before this node read
     * them: tells the reader, and returns the position just before {@code entry}. Else {@code position}.
     */
    private Cursor skipGap(Reader reader, Cursor position, long last, Entry entry) {
        if (last == 0 || entry.number() <= last + 1) {
            return position;
        }
        Cursor beforeEntry = position.with(entry.stream(), justBefore(entry.id(), position.at(entry.stream())));
        log.warn(
                "redis at {}: this node read too slowly: {} events were trimmed from the history before it read "
                        + "them; its streams get a too_old reset (raise the history limits, or give the node more CPU)",
                where,
                entry.number() - last - 1);
        reader.missed(beforeEntry.encode());
        return beforeEntry;
    }

    /**
     * The position a client is told after a gap before {@code next}: just before it, so a resume from
     * it gets {@code next} on, but never behind {@code read}, the last entry read.
     */
    static StreamId justBefore(StreamId next, StreamId read) {
        StreamId before = next.seq() > 0
                ? new StreamId(next.ms(), next.seq() - 1)
                : next.ms() > 0 ? new StreamId(next.ms() - 1, LARGEST_SEQUENCE) : StreamId.ZERO;
        return before.compareTo(read) > 0 ? before : read;
    }

    /** The id each stream last gave out (kept by Redis even when that entry was trimmed), or 0-0. */
    private Cursor heads(RedisCommands<String, String> redis) {
        Cursor heads = Cursor.start(streams);
        for (int i = 0; i < streams; i++) {
            if (redis.exists(streamKeys[i]) == 0) {
                continue;
            }
            List<Object> info = redis.xinfoStream(streamKeys[i]);
            for (int j = 0; j + 1 < info.size(); j += 2) {
                if ("last-generated-id".equals(String.valueOf(info.get(j)))) {
                    StreamId id = StreamId.parse(String.valueOf(info.get(j + 1)));
                    if (id != null) {
                        heads = heads.with(i, id);
                    }
                }
            }
        }
        return heads;
    }

    /** Trims quiet streams by age and refreshes the stats. On the reader thread. */
    private void expireAndCount(RedisCommands<String, String> redis, Cursor position) {
        String[] args = {
            Long.toString(maxEventsPerStream), Long.toString(maxBytesPerStream), Long.toString(maxAgeMillis)
        };
        long events = 0;
        long bytes = 0;
        for (int i = 0; i < streams; i++) {
            bytes += EXPIRE.runForInteger(redis, keys(i), args);
            events += redis.xlen(streamKeys[i]);
        }
        stats = new EventLog.Stats(events, bytes, null, position.encode());
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: it holds only String offsets
    private XReadArgs.StreamOffset<String>[] offsets(Cursor position) {
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[streams];
        for (int i = 0; i < streams; i++) {
            offsets[i] =
                    XReadArgs.StreamOffset.from(streamKeys[i], position.at(i).toString());
        }
        return offsets;
    }

    private int streamIndex(String key) {
        for (int i = 0; i < streams; i++) {
            if (streamKeys[i].equals(key)) {
                return i;
            }
        }
        throw new IllegalStateException("stream: " + key + " (expected: one of this backplane's)");
    }

    /** The stream a channel's events go to: always the same, so the channel keeps one order. */
    int streamOf(String channel) {
        return streams == 1 ? 0 : Math.floorMod(channel.hashCode(), streams);
    }

    private String[] keys(int stream) {
        return new String[] {streamKeys[stream], metaKeys[stream]};
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
    }

    private SsemuxException unavailable(String what, Throwable failure) {
        Throwable cause = unwrap(failure);
        return SsemuxException.unavailable(
                what + ": the event store (redis at " + where + ") cannot be reached: " + cause.getMessage(),
                RETRY_AFTER);
    }

    private boolean awaitClose(Duration wait) {
        try {
            return closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        try {
            commands.sync().hdel(nodesKey, nodeId); // gone at once, not after the timeout
        } catch (RedisException e) {
            // Redis is unreachable: the entry times out.
        }
        reading.closeAsync(); // ends a blocked XREAD now
        if (readerThread != null) {
            try {
                readerThread.join(BLOCK.multipliedBy(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static String script(String name) {
        try (InputStream in = RedisBackplane.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("script " + name + ": missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One stored event: its stream, id and fields. */
    /** An event read from stream {@code stream}; {@code number} is its number in that stream, 0 if unknown. */
    private record Entry(int stream, StreamId id, long number, String channel, String type, String data) {
        static final Comparator<Entry> ORDER = Comparator.comparing(Entry::id).thenComparingInt(Entry::stream);

        /** Null for an entry that is not an event of ssemux (written by something else): skipped. */
        static Entry of(int stream, StreamMessage<String, String> message) {
            StreamId id = StreamId.parse(message.getId());
            Map<String, String> body = message.getBody();
            String channel = body.get("c");
            String type = body.get("t");
            String data = body.get("d");
            if (id == null || channel == null || type == null || data == null) {
                return null;
            }
            return new Entry(stream, id, number(body.get("n")), channel, type, data);
        }

        private static long number(String text) {
            try {
                return text == null ? 0 : Math.max(0, Long.parseLong(text));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        Event event(Cursor after) {
            return new Event(after.encode(), channel, type, data);
        }
    }

    /** A Lua script run by its SHA-1, sent in full the first time Redis does not know it. */
    private record Script(String text, String sha) {
        Script(String text) {
            this(text, sha1(text));
        }

        <T> CompletionStage<T> run(
                RedisAsyncCommands<String, String> redis, ScriptOutputType output, String[] keys, String[] args) {
            return redis.<T>evalsha(sha, output, keys, args)
                    .handle((result, failure) -> {
                        if (failure == null) {
                            return CompletableFuture.completedFuture(result);
                        }
                        if (unwrap(failure) instanceof RedisNoScriptException) {
                            return redis.<T>eval(text, output, keys, args).toCompletableFuture();
                        }
                        return CompletableFuture.<T>failedFuture(failure);
                    })
                    .thenCompose(stage -> stage);
        }

        long runForInteger(RedisCommands<String, String> redis, String[] keys, String[] args) {
            Long result;
            try {
                result = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
            } catch (RedisNoScriptException e) {
                result = redis.eval(text, ScriptOutputType.INTEGER, keys, args);
            }
            return result == null ? 0 : result;
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1: missing from this JDK", e);
            }
        }
    }

    /** Builds a {@link RedisBackplane}; the history limits default to the hub's. Not thread-safe. */
    public static final class Builder {
        private final String uri;
        private int streams = 1;
        private String prefix = "ssemux";
        private long maxEvents = HubConfig.defaults().historyMaxEvents();
        private long maxBytes = HubConfig.defaults().historyMaxBytes();
        private Duration maxAge = HubConfig.defaults().historyMaxAge();
        private Duration commandTimeout = Duration.ofSeconds(2);
        private int maxQueuedCommands = 10_000;

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /**
         * How many streams events spread over (default 1: one order for all events). More spread the
         * load over the shards of a Redis Cluster; each channel still keeps one order.
         */
        public Builder streams(int k) {
            if (k < 1 || k > 64) {
                throw new IllegalArgumentException("streams: " + k + " (expected: 1 to 64)");
            }
            this.streams = k;
            return this;
        }

        /** The prefix of every key (default {@code ssemux}): deployments sharing a Redis need their own. */
        public Builder keyPrefix(String prefix) {
            if (prefix == null || !prefix.matches("[A-Za-z0-9_.:-]{1,64}")) {
                throw new IllegalArgumentException(
                        "keyPrefix: " + prefix + " (expected: 1 to 64 of A-Z a-z 0-9 _ . : -)");
            }
            this.prefix = prefix;
            return this;
        }

        /** The history kept in Redis, over all streams: as many events, bytes and age at most. */
        public Builder history(long maxEvents, long maxBytes, Duration maxAge) {
            if (maxEvents < 1 || maxBytes < 1 || maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("history: " + maxEvents + " events, " + maxBytes + " bytes, "
                        + maxAge + " (expected: all positive)");
            }
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
            this.maxAge = maxAge;
            return this;
        }

        /** The longest wait for one Redis command (default 2 s); past it a publish gets 503. */
        public Builder commandTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout: " + timeout + " (expected: positive)");
            }
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * Most commands waiting for Redis on the command connection (default 10,000): publishes beyond
         * it while Redis is slow fail at once with {@code UNAVAILABLE} instead of holding memory.
         */
        public Builder maxQueuedCommands(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedCommands: " + n + " (expected: > 0)");
            }
            this.maxQueuedCommands = n;
            return this;
        }

        /**
         * Connects to Redis (two connections: commands and the reader).
         *
         * @throws IllegalStateException Redis cannot be reached now
         */
        public RedisBackplane build() {
            return new RedisBackplane(this);
        }
    }
}
