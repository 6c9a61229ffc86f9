package io.ssemux.core;

import java.time.Duration;

/**
 * The hub's limits and timings: an immutable value, made by {@link HubBuilder}.
 *
 * @param maxConnectionsPerUser a user's connection beyond this evicts that user's oldest one
 * @param maxConnections        beyond this, new streams are refused (503 with Retry-After)
 * @param maxChannels           most channels in one request, and on one connection
 * @param heartbeat             interval of the {@code : heartbeat} comment on every stream
 * @param retry                 the reconnection delay sent to clients in the {@code retry:} field
 * @param historyMaxEvents      most events the default history retains
 * @param historyMaxBytes       most memory the default history's events may hold (as
 *                              {@link io.ssemux.core.spi.EncodedEvent#retainedBytes()} counts it)
 * @param historyMaxAge         oldest event the default history retains
 * @param maxEventBytes         largest {@code data} of one event, in UTF-8 bytes; larger is refused
 * @param tokenRefreshLead      how long before a stream's credential expires it is told so
 *                              ({@code token_expiring}), to refresh it without a reconnect
 */
public record HubConfig(
        int maxConnectionsPerUser,
        int maxConnections,
        int maxChannels,
        Duration heartbeat,
        Duration retry,
        int historyMaxEvents,
        long historyMaxBytes,
        Duration historyMaxAge,
        int maxEventBytes,
        Duration tokenRefreshLead) {

    public HubConfig {
        checkPositive(maxConnectionsPerUser, "maxConnectionsPerUser");
        checkPositive(maxConnections, "maxConnections");
        checkPositive(maxChannels, "maxChannels");
        checkPositive(heartbeat, "heartbeat");
        checkPositive(retry, "retry");
        checkPositive(historyMaxEvents, "historyMaxEvents");
        if (historyMaxBytes <= 0) {
            throw new IllegalArgumentException("historyMaxBytes: " + historyMaxBytes + " (expected: > 0)");
        }
        checkPositive(historyMaxAge, "historyMaxAge");
        checkPositive(maxEventBytes, "maxEventBytes");
        checkPositive(tokenRefreshLead, "tokenRefreshLead");
    }

    /**
     * The defaults: 6 per user, 10,000 in all, 64 channels, 30 s heartbeat, 3 s retry, 10,000 events,
     * 32 MiB or 5 minutes of history, events of up to 64 KiB, credentials told to refresh 60 s before
     * they expire.
     */
    public static HubConfig defaults() {
        return new HubConfig(
                6,
                10_000,
                64,
                Duration.ofSeconds(30),
                Duration.ofSeconds(3),
                10_000,
                32L << 20,
                Duration.ofMinutes(5),
                64 << 10,
                Duration.ofSeconds(60));
    }

    private static void checkPositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void checkPositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
