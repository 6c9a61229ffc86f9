package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.HubListener;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that resets its stream (closes it with bytes unread, as a closed browser tab may) is gone,
 * not slow: events published while the server learns of it must not cut it as a slow consumer. The
 * soak found the server counting most of its churned streams that way.
 */
class ClientResetTest {
    private static final int CLIENTS = 50;

    private final List<CloseReason> reasons = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final ServerExtension server = new ServerExtension()
            .hub(h -> h.listener(new HubListener() {
                @Override
                public void closed(ConnectionInfo connection, CloseReason reason) {
                    reasons.add(reason);
                }
            }));

    @Test
    void aStreamResetByItsClientIsClosedAsGoneNotAsASlowConsumer() throws Exception {
        String payload = "\"" + "x".repeat(2000) + "\"";
        for (int i = 0; i < CLIENTS; i++) {
            try (Socket socket = RawStream.open(server.port(), "/api/sse/stream?user=u" + i + "&channels=jobs")) {
                RawStream.readUntil(socket.getInputStream(), "event: connected");
                for (int k = 0; k < 5; k++) {
                    server.hub().publish("jobs", "t", payload); // left unread: the close below resets
                }
                socket.setSoLinger(true, 0);
            }
            for (int k = 0; k < 20; k++) {
                server.hub().publish("jobs", "t", payload); // while the server learns of the reset
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == CLIENTS);
        assertThat(reasons).containsOnly(CloseReason.CLIENT_GONE);
        assertThat(server.hub().stats().slowConsumerDisconnects()).isZero();
        assertThat(server.hub().stats().eventsDropped()).isZero();
    }
}
