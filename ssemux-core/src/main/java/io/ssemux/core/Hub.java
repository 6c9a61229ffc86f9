package io.ssemux.core;

import io.ssemux.core.spi.Principal;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The heart of ssemux: channels, the connections subscribed to them, and the fan-out of events.
 *
 * <p>An event is encoded once and the same bytes go to every connection subscribed to its
 * channel or to {@code all}; the work is proportional to that channel's subscribers, not to all
 * connections. Each connection receives events in id order, replayed ones first when it resumes.
 *
 * <p>Thread-safe: publish from any thread. A hub schedules heartbeats and history expiry (on a
 * thread of its own unless {@link HubBuilder#scheduler} gives it one) and must be
 * {@linkplain #close() closed} by whoever built it.
 *
 * <pre>{@code
 * Hub hub = Hub.builder().heartbeat(Duration.ofSeconds(30)).build();
 * hub.publish("jobs", "job_completed", "{\"id\":42}");
 * }</pre>
 */
public interface Hub extends AutoCloseable {

    /** A builder with the {@linkplain HubConfig#defaults() defaults}. */
    static HubBuilder builder() {
        return new HubBuilder();
    }

    /** The limits and timings in force. */
    HubConfig config();

    /**
     * Publishes {@code data} as an event of {@code type} on {@code channel}.
     *
     * <p>{@code data} must be one JSON value; the hub trusts the application and does not parse it.
     * Subscribers get exactly these characters, never re-printed (one {@code data:} line per line of
     * it); the HTTP endpoint checks the JSON and its UTF-8 before it calls this.
     *
     * @throws SsemuxException a bad channel or type ({@code BAD_REQUEST}), data larger than
     *     {@link HubConfig#maxEventBytes} ({@code PAYLOAD_TOO_LARGE}; nothing is published either way),
     *     or the hub is closed ({@code UNAVAILABLE})
     */
    PublishResult publish(String channel, String type, String data);

    /**
     * {@link #publish} without waiting: the way to publish from a thread that must not block (an
     * event loop). On a single node it publishes at once and returns a completed future; in cluster
     * mode the future completes once the {@linkplain HubBuilder#backplane backplane} has stored the
     * event (every node, this one included, then delivers it from there), with the number of this
     * node's streams subscribed to its channel as {@code delivered}.
     *
     * @throws SsemuxException as {@link #publish}, for a bad channel, type or size or a closed hub;
     *     the future fails with an {@code UNAVAILABLE} one when the backplane cannot store the event
     */
    CompletableFuture<PublishResult> publishAsync(String channel, String type, String data);

    /**
     * <b>For transports</b> (ssemux-netty, an embedding framework's adapter); applications do not call it.
     * Registers a new stream and queues, on its sink, the {@code connected} event, then the replay
     * (or a {@code reset}) when {@code request} resumes, then live events. May evict the user's
     * oldest stream. A request without channels opens a stream that carries only heartbeats until
     * {@link #updateSubscriptions} adds some.
     *
     * @throws SsemuxException bad channels ({@code BAD_REQUEST}), channels the principal may not read
     *                         ({@code FORBIDDEN}), the global cap or a closed hub ({@code UNAVAILABLE})
     */
    Connection connect(ConnectRequest request, SseSink sink);

    /**
     * Changes the channels of a live connection, without a reconnect; unsubscribes apply first.
     *
     * @return the connection's channels afterwards
     * @throws SsemuxException an invalid name or too many channels ({@code BAD_REQUEST}), no such
     *                         connection ({@code NOT_FOUND}), another user's connection or a channel
     *                         the connection's grants do not cover ({@code FORBIDDEN})
     */
    Set<String> updateSubscriptions(
            String user, String connectionId, Collection<String> subscribe, Collection<String> unsubscribe);

    /**
     * Replaces the credential of a live connection by a fresher one of the same user, without a
     * reconnect: its grants apply from now on (channels no longer granted are dropped, and the stream
     * gets a {@code revoked} event naming them) and its expiry moves.
     *
     * @return the connection's channels afterwards
     * @throws SsemuxException no such connection ({@code NOT_FOUND}), another user's ({@code FORBIDDEN})
     */
    Set<String> refresh(String connectionId, Principal principal);

    /**
     * {@link #updateSubscriptions} for a connection on any node: in cluster mode a connection held by
     * another node is changed there, and the future completes once the change is in force there.
     * Fails with the same {@link SsemuxException}s (and {@code UNAVAILABLE} when that node cannot be
     * reached); on a single node it is done at once.
     */
    CompletableFuture<Set<String>> updateSubscriptionsAsync(
            String user, String connectionId, Collection<String> subscribe, Collection<String> unsubscribe);

    /** {@link #refresh} for a connection on any node, as {@link #updateSubscriptionsAsync}. */
    CompletableFuture<Set<String>> refreshAsync(String connectionId, Principal principal);

    /**
     * Every node's stats, by node id: on a single node only its own (id {@code local}); in cluster mode
     * each live node's last report, a few seconds old at most, with the shared history.
     */
    CompletableFuture<Map<String, HubStats>> clusterStats();

    /**
     * The counts and counters: O(1), whatever the number of users and channels, and without waiting
     * for the lock that publishes take. Cheap enough to poll.
     */
    HubStats stats();

    /** How many streams {@code user} has open (0 for none); O(1), without the publish lock. */
    int connectionsOf(String user);

    /**
     * How many streams are subscribed to {@code channel} ({@code all} counts the streams subscribed to
     * every channel; 0 for none); O(1), without the publish lock.
     */
    int subscribersOf(String channel);

    /**
     * The {@code n} channels with the most subscribers and the {@code n} users with the most streams,
     * largest first, ties by name. One pass over the channels and the users, each kept in a heap of
     * {@code n}, without the publish lock: O((channels + users) log n) time on the caller's thread,
     * O(n) memory.
     *
     * @throws IllegalArgumentException {@code n < 1}
     */
    HubTop top(int n);

    /**
     * Drains this hub for a restart, so its clients move to other nodes without a reconnect storm:
     * from now on new streams are refused ({@code UNAVAILABLE}, with a retry delay) and
     * {@link #readiness()} says {@link Readiness#DRAINING}; the open streams are ended one by one, in
     * random order, spread evenly over {@code window}, each told first with a {@code draining} event
     * carrying a random reconnect delay (up to {@link HubConfig#retry}). The future completes once every
     * stream has ended (within the window; at once when there is none); publishing works throughout and after, until the
     * hub is {@linkplain #close() closed} (in cluster mode other nodes' streams still get what this one
     * publishes). Idempotent: a second call returns the first call's future. A zero window ends every
     * stream at once.
     */
    CompletableFuture<Void> drain(Duration window);

    /** Whether the hub takes new streams now, and if not, why; O(1), without the publish lock. */
    Readiness readiness();

    /** Ends every stream and stops the heartbeats; idempotent. */
    @Override
    void close();
}
