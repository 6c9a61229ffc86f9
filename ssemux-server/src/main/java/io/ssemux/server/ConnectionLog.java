package io.ssemux.server;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.HubListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per stream opened and closed, with its user, channels and reason. */
final class ConnectionLog implements HubListener {
    private static final Logger log = LoggerFactory.getLogger("io.ssemux.connections");

    @Override
    public void opened(ConnectionInfo connection) {
        log.info(
                "opened {} user={} channels={} format={}",
                connection.id(),
                connection.user(),
                connection.channels(),
                connection.format());
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason) {
        log.info(
                "closed {} user={} channels={} reason={}",
                connection.id(),
                connection.user(),
                connection.channels(),
                reason);
    }
}
