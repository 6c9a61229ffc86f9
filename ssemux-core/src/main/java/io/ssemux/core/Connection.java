package io.ssemux.core;

import java.util.Set;

/**
 * One open stream, as the hub sees it: returned by {@link Hub#connect} to the transport.
 *
 * <p>Thread-safe. The transport calls {@link #writable()} and {@link #closed} from the sink's executor.
 */
public interface Connection {

    /** Unguessable id, used by {@code /api/sse/subscriptions}. */
    String id();

    /** The user it belongs to. */
    String user();

    /** The channels it is subscribed to now ({@code all} included when it has it). */
    Set<String> channels();

    /** The data format it asked for. */
    Format format();

    /** The transport tells the hub the sink is writable again, so a paused replay goes on. */
    void writable();

    /**
     * The transport tells the hub the stream has ended; the connection leaves every index at once.
     * Idempotent: the first reason wins.
     */
    void closed(CloseReason reason);
}
