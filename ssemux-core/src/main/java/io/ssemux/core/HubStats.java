package io.ssemux.core;

import io.ssemux.core.spi.EventLog;

/**
 * The hub's counts and counters since start: a summary that costs O(1) to take, whatever the number
 * of users and channels. Counters are monotonic. Each figure is read on its own, without the hub's
 * lock, so under load two figures may be a few operations apart. For one user's or channel's count
 * see {@link Hub#connectionsOf} and {@link Hub#subscribersOf}; for the largest, {@link Hub#top}.
 *
 * @param connections             open streams
 * @param users                   users with at least one open stream
 * @param channels                channels with at least one subscriber ({@code all} included)
 * @param eventsPublished         events accepted by {@link Hub#publish}
 * @param eventsDelivered         event frames written to a stream (live or replayed)
 * @param eventsDropped           event frames not written because their stream was cut as a slow consumer
 * @param connectionsOpened       streams opened
 * @param connectionsClosed       streams closed, for any reason
 * @param connectionsEvicted      streams closed because their user opened one too many
 * @param slowConsumerDisconnects streams closed because they did not read
 * @param bytesWritten            bytes handed to the streams' sockets (events, replays, heartbeats, control events)
 * @param history                 what the event log retains
 */
public record HubStats(
        int connections,
        int users,
        int channels,
        long eventsPublished,
        long eventsDelivered,
        long eventsDropped,
        long connectionsOpened,
        long connectionsClosed,
        long connectionsEvicted,
        long slowConsumerDisconnects,
        long bytesWritten,
        EventLog.Stats history) {}
