package io.ssemux.core;

/** Whether a hub takes new streams, and if not, why (what {@code /readyz} answers). */
public enum Readiness {
    /** It takes new streams. */
    READY,
    /** It is draining for a restart: its streams are being moved to other nodes. */
    DRAINING,
    /** It is shut down. */
    CLOSED,
    /** Cluster mode: the backplane (Redis) cannot be reached, so no event would reach a new stream. */
    BACKPLANE_UNREACHABLE
}
