package io.ssemux.bench.jmh;

import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import java.time.Duration;
import java.util.List;

/** Hubs for benchmarks: room for 100k streams, one per user, heartbeats too rare to matter. */
final class Hubs {
    static final String DATA =
            "{\"seq\":12345,\"t\":987654321,\"w\":0,\"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";

    private Hubs() {}

    static Hub newHub() {
        return Hub.builder()
                .maxConnections(100_000)
                .heartbeat(Duration.ofHours(1))
                .build();
    }

    static Connection connect(Hub hub, int user, String channel) {
        return hub.connect(
                new ConnectRequest(
                        Principal.of("u" + user, Grants.all()), List.of(channel), Format.PLAIN, null, "127.0.0.1"),
                new CountingSink());
    }
}
