package io.ssemux.core.spi;

import io.ssemux.core.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The shared log of a cluster: several hubs (nodes) append their events to it, and it feeds every
 * event back to every hub, the appending one included, so all of them deliver from one path and in
 * one order. Replaces the {@link EventLog} of a single process (ssemux-redis implements it on Redis
 * Streams).
 *
 * <p>Ids are <em>cursors</em>: an event's id names the backplane's read position just after it, so a
 * cursor read from one node resumes exactly on another. They are opaque to the hub, which only asks
 * {@link #standing} how one cursor compares to its own position.
 *
 * <p>Threads: {@link #append} and {@link #replay} are called from any thread, must not block, and
 * complete their futures on a thread of the backplane's; the {@link Reader} is called on one thread
 * of the backplane's, in order. The hub never calls the backplane under its lock while waiting.
 */
public interface Backplane extends AutoCloseable {

    /**
     * Starts reading: from now on every event appended by any node goes to {@code reader}, once, in
     * cursor order. The hub calls it once, when it is built.
     */
    void start(Reader reader);

    /**
     * Appends an event. The future completes with the event's id in its stream once it is stored, or
     * fails with an {@link io.ssemux.core.SsemuxException} ({@code UNAVAILABLE} when the store cannot
     * be reached: nothing was stored, or it is unknown whether it was).
     */
    CompletableFuture<String> append(String channel, String type, String data);

    /** How {@code cursor}, sent by a client, compares to {@code position}, the hub's read position. */
    Standing standing(String position, String cursor);

    /**
     * The stored events after {@code after} up to {@code upTo} (a position this backplane gave the
     * reader) whose channel {@code channels} accepts, each with the cursor just after it as its id; or
     * a reset whose head id is {@code upTo}, when some of them are no longer stored or there are more
     * than {@code maxEvents}. Fails with {@code UNAVAILABLE} when the store cannot be reached.
     */
    CompletableFuture<Replay> replay(String after, String upTo, Predicate<String> channels, int maxEvents);

    /** What the shared log retains, as last seen; any thread, without a round trip. */
    EventLog.Stats stats();

    /** Whether the store answered lately (the reader reads): a node without it should take no new streams. */
    boolean reachable();

    /** This node's id in the cluster: unique, of {@code A-Z a-z 0-9 _ -}. */
    String nodeId();

    /**
     * Sends {@code request} to the node {@code node} (its reader's {@link Reader#request}) and completes
     * with its answer. Fails with {@code NOT_FOUND} when that node is gone, {@code UNAVAILABLE} when the
     * store cannot be reached or the node does not answer in time.
     */
    CompletableFuture<String> ask(String node, String request);

    /**
     * Records an open connection of {@code user} in the cluster-wide registry and completes with the
     * ids of that user's connections beyond {@code cap}, oldest first (never this one); they are taken
     * out of the registry, and so are connections of nodes that are gone.
     */
    CompletableFuture<List<String>> register(String user, String connectionId, int cap);

    /** Takes a closed connection out of the registry; fire and forget. */
    void unregister(String user, String connectionId);

    /** The live nodes' last {@linkplain Reader#report reports}, by node id; a few seconds old at most. */
    CompletableFuture<Map<String, String>> reports();

    /** Stops reading and releases the connections; idempotent. */
    @Override
    void close();

    /** Where a client's cursor stands against the hub's read position. */
    enum Standing {
        /** At or before the position: everything after it up to the position can be replayed (or reset). */
        REACHED,
        /** Past the position in some stream: the hub has not read that far yet. */
        AHEAD,
        /** Not a cursor of this backplane (another deployment, a single server's id, garbage). */
        INVALID
    }

    /** What the backplane feeds: events and, without an event, a new read position. */
    interface Reader {
        /** An event, with the cursor just after it as its id. */
        void event(Event event);

        /** The read position moved without an event (when reading starts, for one). */
        void position(String cursor);

        /**
         * Events up to {@code cursor} were dropped from the store before this node read them (the
         * reader fell behind the history's trim): every stream here may lack some. The next event
         * read comes after {@code cursor}.
         */
        void missed(String cursor);

        /** Answers a request another node {@linkplain #ask asked}; both are JSON text. */
        CompletableFuture<String> request(String request);

        /** This node's report for the others (its stats), as JSON text; asked every few seconds. */
        String report();
    }
}
