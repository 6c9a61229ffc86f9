package io.ssemux.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to reconnect: the attempt count of the current run of failures, the {@link Backoff} with its
 * floor raised by the server's {@code retry:} field, and the server's {@code Retry-After} when a
 * refusal carried one.
 *
 * <p>Thread-safe: the server's retry is set on the thread that parses, the rest is used on the
 * thread that connects.
 */
final class Retries {
    private final Backoff backoff;
    private final DoubleSupplier random;
    private Duration serverRetry = Duration.ZERO; // guarded by this
    private int attempt; // guarded by this

    /**
     * @param backoff the application's backoff
     * @param random  uniform in {@code [0, 1)}, for the jitter
     */
    Retries(Backoff backoff, DoubleSupplier random) {
        this.backoff = backoff;
        this.random = random;
    }

    /** The server's {@code retry:} field: the shortest delay it wants, which raises the floor. */
    synchronized void serverRetry(Duration delay) {
        serverRetry = delay;
    }

    /** A connection was healthy: the next failure starts again from the first attempt. */
    synchronized void reset() {
        attempt = 0;
    }

    /**
     * The delay before the next attempt, at least {@code retryAfter} when not {@code null}; counts the attempt.
     */
    synchronized Duration next(Duration retryAfter) {
        Duration delay = backoff.withFloor(serverRetry).delay(attempt, random.getAsDouble());
        if (attempt < Integer.MAX_VALUE) {
            attempt++;
        }
        return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
    }
}
