package io.ssemux.client;

import io.ssemux.core.Hub;
import io.ssemux.core.HubBuilder;
import io.ssemux.netty.SsemuxServer;
import java.net.URI;
import java.util.function.Consumer;

/**
 * A real ssemux in process: a hub and its server on 127.0.0.1 and a free port, which tests can
 * restart (a new hub, its history gone) or bounce (only the server: every stream drops, the hub and
 * its history stay) on the same port.
 */
final class LiveServer implements AutoCloseable {
    private final Consumer<HubBuilder> settings;
    private Hub hub;
    private SsemuxServer server;
    private int port;

    LiveServer(Consumer<HubBuilder> settings) {
        this.settings = settings;
        this.hub = newHub();
        startServer();
    }

    private Hub newHub() {
        HubBuilder builder = Hub.builder();
        settings.accept(builder);
        return builder.build();
    }

    Hub hub() {
        return hub;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops only the server: every stream drops, the hub keeps running with its history. */
    void stopServer() {
        server.close();
        server = null;
    }

    /** Starts a server for the same hub on the same port. */
    void startServer() {
        server = SsemuxServer.builder(hub)
                .host("127.0.0.1")
                .port(port)
                .ioThreads(1)
                .build()
                .start();
        port = server.port();
    }

    /** Stops hub and server and starts new ones on the same port: a new run, with an empty history. */
    void restart() {
        close();
        hub = newHub();
        startServer();
    }

    @Override
    public void close() {
        hub.close();
        if (server != null) {
            server.close();
        }
    }
}
