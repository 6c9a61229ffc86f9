package io.ssemux.core.spi;

import java.util.function.Predicate;

/**
 * Assigns event ids and keeps the history that reconnecting clients resume from.
 *
 * <p>The hub calls {@link #append} and {@link #replaySince} under its publish lock, so calls are
 * never concurrent and appends arrive in publish order; an implementation must answer from memory
 * and must not block. {@link #stats} may be called from any thread.
 *
 * <p>This contract is for a log local to one hub. A multi-node backplane needs more than another
 * implementation of it: ids assigned by a remote store (a network round trip that must not happen
 * under the hub's lock) and events published on other nodes entering this hub's fan-out, which
 * means splitting the hub's publish into "append" and "dispatch".
 */
public interface EventLog extends AutoCloseable {

    /** Gives the event its id (strictly greater than every earlier one), retains it, and returns it encoded. */
    EncodedEvent append(String channel, String type, String data);

    /**
     * The retained events after {@code lastEventId} whose channel {@code channels} accepts, in id order;
     * or, when the events after that id are not all retained (or the id is unknown), a reset.
     */
    Replay replaySince(String lastEventId, Predicate<String> channels);

    /** Drops what is past its age; the hub calls it now and then (on the heartbeat timer). */
    default void expire() {}

    /** A snapshot of what is retained. */
    Stats stats();

    @Override
    default void close() {}

    /**
     * The default log: in memory, the newest events, at most {@code maxEvents} of them holding at most
     * {@code maxBytes} ({@link EncodedEvent#retainedBytes()}), none older than {@code maxAge}. Ids are
     * decimal numbers; see the class notes of the implementation for how they survive restarts.
     */
    static EventLog inMemory(int maxEvents, long maxBytes, java.time.Duration maxAge, java.time.Clock clock) {
        return new InMemoryEventLog(maxEvents, maxBytes, maxAge, java.util.Objects.requireNonNull(clock, "clock"));
    }

    /** What is retained: counts, bytes, and the oldest and newest ids (null when empty). */
    record Stats(long events, long bytes, String oldestId, String newestId) {}
}
