package io.ssemux.core.spi;

import io.ssemux.core.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The default {@link EventLog}: a ring of the newest events, bounded by count, by the memory they
 * hold and by age.
 *
 * <p>Ids are decimal numbers that start at the process's start time in microseconds-ish
 * ({@code millis × 1000}) and grow by one per event, so they strictly increase across restarts of a
 * server too (while it publishes fewer than a million events a second on average, and its clock is
 * not set back). An id from before this process started is answered with a reset, since this log
 * cannot know what that process published after it; the reset moves the client's cursor to the
 * newest id of this run (or to just before its first, when there is none yet), so its next resume
 * gets everything this run publishes after that.
 *
 * <p>Concurrency: {@link #append}, {@link #replaySince} and {@link #expire} are called under the
 * hub's lock (never concurrently); {@link #stats} reads volatile snapshots from any thread.
 */
final class InMemoryEventLog implements EventLog {
    private final int capacity;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final Clock clock;
    private final EncodedEvent[] ring;
    private final long[] timestamps;
    private final long[] sizes;
    private int first; // ring index of the oldest retained event
    private int size;
    private long nextId;
    private long firstRetainedId; // valid when size > 0
    private long cursorFloor; // the smallest last-event-id from which every later event is retained
    private long bytes;

    private volatile Stats stats = new Stats(0, 0, null, null);

    InMemoryEventLog(int maxEvents, long maxBytes, Duration maxAge, Clock clock) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: > 0)");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        this.maxBytes = maxBytes;
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: > 0)");
        }
        this.capacity = maxEvents;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.ring = new EncodedEvent[maxEvents];
        this.timestamps = new long[maxEvents];
        this.sizes = new long[maxEvents];
        this.nextId = clock.millis() * 1000;
        // A client whose cursor is the start of this run (a reset before any event) resumes with all of it.
        this.cursorFloor = nextId - 1;
        this.firstRetainedId = nextId;
    }

    @Override
    public EncodedEvent append(String channel, String type, String data) {
        long now = clock.millis();
        if (size == capacity) {
            evictOldest();
        }
        long id = nextId++;
        EncodedEvent event = EncodedEvent.of(new Event(Long.toString(id), channel, type, data));
        int slot = (first + size) % capacity;
        ring[slot] = event;
        timestamps[slot] = now;
        sizes[slot] = event.retainedBytes();
        bytes += sizes[slot];
        if (size == 0) {
            firstRetainedId = id;
        }
        size++;
        while (bytes > maxBytes) {
            evictOldest();
        }
        expireOlderThan(now - maxAgeMillis);
        publishStats();
        return event;
    }

    @Override
    public Replay replaySince(String lastEventId, Predicate<String> channels) {
        long last;
        try {
            last = Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return Replay.reset(Replay.UNKNOWN_ID, headId());
        }
        if (last >= nextId) {
            return Replay.reset(Replay.UNKNOWN_ID, headId());
        }
        if (last < cursorFloor) {
            return Replay.reset(Replay.TOO_OLD, headId());
        }
        List<EncodedEvent> missed = new ArrayList<>();
        for (long offset = last + 1 - firstRetainedId; offset < size; offset++) {
            EncodedEvent event = ring[(int) ((first + offset) % capacity)];
            if (channels.test(event.event().channel())) {
                missed.add(event);
            }
        }
        return Replay.of(missed);
    }

    @Override
    public void expire() {
        expireOlderThan(clock.millis() - maxAgeMillis);
        publishStats();
    }

    @Override
    public Stats stats() {
        return stats;
    }

    private void expireOlderThan(long cutoff) {
        while (size > 0 && timestamps[first] < cutoff) {
            evictOldest();
        }
    }

    private void evictOldest() {
        cursorFloor = firstRetainedId;
        bytes -= sizes[first];
        ring[first] = null;
        first = (first + 1) % capacity;
        size--;
        firstRetainedId++;
    }

    private String headId() {
        return Long.toString(nextId - 1);
    }

    private void publishStats() {
        stats = size == 0
                ? new Stats(0, 0, null, null)
                : new Stats(size, bytes, Long.toString(firstRetainedId), Long.toString(firstRetainedId + size - 1));
    }
}
