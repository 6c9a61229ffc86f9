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
 * @param historyMaxAge         oldest event the default history retains
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
        Duration historyMaxAge,
        Duration tokenRefreshLead) {

    public HubConfig {
        checkPositive(maxConnectionsPerUser, "maxConnectionsPerUser");
        checkPositive(maxConnections, "maxConnections");
        checkPositive(maxChannels, "maxChannels");
        checkPositive(heartbeat, "heartbeat");
        checkPositive(retry, "retry");
        checkPositive(historyMaxEvents, "historyMaxEvents");
        checkPositive(historyMaxAge, "historyMaxAge");
        checkPositive(tokenRefreshLead, "tokenRefreshLead");
    }

    /**
     * The defaults: 6 per user, 10,000 in all, 64 channels, 30 s heartbeat, 3 s retry, 10,000 events
     * or 5 minutes of history, credentials told to refresh 60 s before they expire.
     */
    public static HubConfig defaults() {
        return new HubConfig(
                6,
                10_000,
                64,
                Duration.ofSeconds(30),
                Duration.ofSeconds(3),
                10_000,
                Duration.ofMinutes(5),
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
