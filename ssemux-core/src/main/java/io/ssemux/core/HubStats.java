package io.ssemux.core;

import io.ssemux.core.spi.EventLog;
import java.util.Map;

/**
 * A snapshot of the hub's state and counters since start. Counters are monotonic.
 *
 * @param connections             open streams
 * @param users                   users with at least one open stream
 * @param connectionsPerUser      open streams per user
 * @param subscribersPerChannel   open streams per subscribed channel ({@code all} included)
 * @param eventsPublished         events accepted by {@link Hub#publish}
 * @param eventsDelivered         event frames written to a stream (live or replayed)
 * @param eventsDropped           event frames not written because their stream was cut as a slow consumer
 * @param connectionsOpened       streams opened
 * @param connectionsClosed       streams closed, for any reason
 * @param connectionsEvicted      streams closed because their user opened one too many
 * @param slowConsumerDisconnects streams closed because they did not read
 * @param history                 what the event log retains
 */
public record HubStats(
        int connections,
        int users,
        Map<String, Integer> connectionsPerUser,
        Map<String, Integer> subscribersPerChannel,
        long eventsPublished,
        long eventsDelivered,
        long eventsDropped,
        long connectionsOpened,
        long connectionsClosed,
        long connectionsEvicted,
        long slowConsumerDisconnects,
        EventLog.Stats history) {
    public HubStats {
        connectionsPerUser = Map.copyOf(connectionsPerUser);
        subscribersPerChannel = Map.copyOf(subscribersPerChannel);
    }
}
