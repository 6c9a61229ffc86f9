package io.ssemux.core;

/** Why a connection ended; logged and counted in stats. */
public enum CloseReason {
    /** The client went away, or its socket failed. */
    CLIENT_GONE,
    /** The same user opened one connection more than the per-user cap; this, the oldest, was closed. */
    EVICTED,
    /** The client did not read and its outbound buffer passed the limit. */
    SLOW_CONSUMER,
    /** The credential the stream was opened with expired and was not refreshed. */
    TOKEN_EXPIRED,
    /** The server is draining for a restart: the stream was told to reconnect elsewhere. */
    DRAINED,
    /** The server is shutting down. */
    SHUTDOWN
}
