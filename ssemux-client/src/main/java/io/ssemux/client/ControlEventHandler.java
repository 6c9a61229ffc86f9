package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.SseMessage;
import java.lang.System.Logger.Level;

/**
 * Reads an ssemux stream ({@code format=envelope}, see docs/PROTOCOL.md): tells its
 * {@link Listener} of {@code connected}, {@code reset}, {@code evicted}, {@code draining}, of the credential's
 * {@code token_expiring}, {@code token_expired} and {@code revoked}, and of every application event
 * carried in an envelope; heartbeats are only bytes. An unnamed event that is not an envelope
 * and an event of an unknown type are logged and skipped. One per stream; called by the thread that
 * parses, in stream order.
 */
final class ControlEventHandler {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());

    /** What an ssemux stream says, in stream order. */
    interface Listener {
        /** The stream is open: its id, channels and heartbeat. */
        void connected(ControlEvents.Connected connected);

        /** The server could not resume. */
        void reset(Reset reset);

        /** Another stream of the same user replaced this one. */
        void evicted();

        /** The stream's credential expires soon: refresh it, or the stream ends then. */
        void tokenExpiring(ControlEvents.TokenExpiry expiry);

        /** The stream's credential expired: the server ends the stream. */
        void tokenExpired(ControlEvents.TokenExpiry expiry);

        /** A refreshed credential no longer grants these channels: the stream dropped them. */
        void revoked(ControlEvents.Revoked revoked);

        /** The server is draining for a restart: the stream ends; reconnect after the delay it gives. */
        void draining(ControlEvents.Draining draining);

        /** An application event. */
        void event(Event event);
    }

    private final Listener listener;

    ControlEventHandler(Listener listener) {
        this.listener = listener;
    }

    /**
     * Handles one event of the stream.
     *
     * @throws IllegalArgumentException if a control event ({@code connected}, {@code token_expiring}…) is
     *     malformed: the stream is unusable
     */
    void handle(SseMessage message) {
        switch (message.type()) {
            case ControlEvents.CONNECTED -> listener.connected(ControlEvents.Connected.parse(message.data()));
            case ControlEvents.RESET -> {
                ControlEvents.Reset reset = ControlEvents.Reset.parse(message.data());
                listener.reset(new Reset(reset.reason().isEmpty() ? "unknown" : reset.reason(), reset.lastEventId()));
            }
            case ControlEvents.EVICTED -> listener.evicted();
            case ControlEvents.TOKEN_EXPIRING ->
                listener.tokenExpiring(ControlEvents.TokenExpiry.parse(message.data()));
            case ControlEvents.TOKEN_EXPIRED -> listener.tokenExpired(ControlEvents.TokenExpiry.parse(message.data()));
            case ControlEvents.REVOKED -> listener.revoked(ControlEvents.Revoked.parse(message.data()));
            case ControlEvents.DRAINING -> listener.draining(ControlEvents.Draining.parse(message.data()));
            case ControlEvents.HEARTBEAT -> {
                // Only its bytes matter: they keep the stream from being taken for dead.
            }
            default -> {
                ControlEvents.Envelope envelope =
                        message.type().equals("message") ? ControlEvents.Envelope.parse(message.data()) : null;
                if (envelope == null) {
                    LOG.log(
                            Level.WARNING,
                            "ssemux client: event '" + message.type() + "' id '" + message.lastEventId()
                                    + "' is not an unnamed {\"channel\":…,\"type\":…,\"data\":…} envelope; skipped");
                    return;
                }
                listener.event(new Event(message.lastEventId(), envelope.channel(), envelope.type(), envelope.data()));
            }
        }
    }
}
