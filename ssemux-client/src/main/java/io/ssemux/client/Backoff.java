package io.ssemux.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a client waits before reconnect attempt {@code n}: exponential growth with full jitter
 * between a floor and a cap, so that clients dropped together (a server restart) spread out instead
 * of coming back in lockstep. An immutable value; thread-safe.
 *
 * <p>The delay before attempt {@code n} ({@code 0} for the first retry) is uniform in
 * {@code [floor, min(cap, floor × 2^(n+1))]}: attempt 0 waits between 1 and 2 floors, attempt 1
 * between 1 and 4, and so on until the cap. The JavaScript client uses the same formula.
 *
 * @param floor the shortest delay; the server's {@code retry:} field raises it ({@link #withFloor})
 * @param cap   the longest delay the growth reaches
 */
public record Backoff(Duration floor, Duration cap) {

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if {@code floor} is not positive or {@code cap} is below it
     */
    public Backoff {
        Objects.requireNonNull(floor, "floor");
        Objects.requireNonNull(cap, "cap");
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("floor: " + floor + " (expected: > 0)");
        }
        if (cap.compareTo(floor) < 0) {
            throw new IllegalArgumentException("cap: " + cap + " (expected: >= floor " + floor + ")");
        }
    }

    /** The default of a client: from 1 second up to 30 seconds. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** Exponential backoff with full jitter from {@code floor} up to {@code cap}. */
    public static Backoff exponential(Duration floor, Duration cap) {
        return new Backoff(floor, cap);
    }

    /**
     * This backoff with its floor raised to {@code atLeast} (and its cap with it, if needed); itself
     * when the floor is already that high. How the server's {@code retry:} field applies.
     */
    public Backoff withFloor(Duration atLeast) {
        if (atLeast.compareTo(floor) <= 0) {
            return this;
        }
        return new Backoff(atLeast, atLeast.compareTo(cap) > 0 ? atLeast : cap);
    }

    /**
     * The delay before reconnect attempt {@code attempt}.
     *
     * @param attempt 0 for the first retry after a failure, then 1, 2, …
     * @param random  a uniform random number in {@code [0, 1)}: where the delay falls in the range
     * @throws IllegalArgumentException if {@code attempt} is negative or {@code random} outside {@code [0, 1)}
     */
    public Duration delay(int attempt, double random) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 0)");
        }
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random: " + random + " (expected: in [0, 1))");
        }
        long floorNanos = floor.toNanos();
        long capNanos = cap.toNanos();
        // floor × 2^(attempt+1) without overflow: past the cap it no longer matters how far.
        long ceiling = attempt >= 62 || floorNanos > capNanos >> (attempt + 1) ? capNanos : floorNanos << (attempt + 1);
        return Duration.ofNanos(floorNanos + (long) (random * (ceiling - floorNanos)));
    }
}
