package io.ssemux.netty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssemux.core.Hub;
import io.ssemux.core.HubBuilder;
import io.ssemux.core.testing.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a hub and its server on 127.0.0.1 and a free port before each test, and closes both after.
 * The hub's time is a {@link ManualScheduler}: heartbeats and history expiry happen only when a test
 * calls {@code scheduler().advance(...)}, never on a real timer.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ServerExtension server = new ServerExtension().hub(h -> h.maxConnectionsPerUser(2));
 * }</pre>
 */
public final class ServerExtension implements BeforeEachCallback, AfterEachCallback {
    static final ObjectMapper JSON = new ObjectMapper();

    private Consumer<HubBuilder> hubSettings = b -> {};
    private Consumer<SsemuxServer.Builder> serverSettings = b -> {};
    private final ManualScheduler scheduler = new ManualScheduler();
    private Hub hub;
    private SsemuxServer server;
    private int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ServerExtension hub(Consumer<HubBuilder> settings) {
        this.hubSettings = settings;
        return this;
    }

    public ServerExtension server(Consumer<SsemuxServer.Builder> settings) {
        this.serverSettings = settings;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /** Starts (again, after {@link #stop()}): a new hub and a new server, on the same port when restarting. */
    public void start() {
        HubBuilder builder = Hub.builder().scheduler(scheduler).clock(scheduler.clock());
        hubSettings.accept(builder);
        hub = builder.build();
        SsemuxServer.Builder serverBuilder =
                SsemuxServer.builder(hub).host("127.0.0.1").port(port);
        serverSettings.accept(serverBuilder);
        server = serverBuilder.build().start();
        port = server.port();
    }

    public void stop() {
        if (hub != null) {
            hub.close();
        }
        if (server != null) {
            server.close();
        }
    }

    public Hub hub() {
        return hub;
    }

    /** The hub's time: advancing it runs the heartbeats that fall due, on the calling thread. */
    public ManualScheduler scheduler() {
        return scheduler;
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public HttpClient http() {
        return http;
    }

    /** Opens a stream as {@code user} on the given channels ({@code null}: the default). */
    public TestStream stream(String user, String channels, String... extraQuery) {
        StringBuilder query = new StringBuilder("/api/sse/stream?user=").append(user);
        if (channels != null) {
            query.append("&channels=").append(channels);
        }
        for (String q : extraQuery) {
            query.append('&').append(q);
        }
        return TestStream.open(http, uri(query.toString()));
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes and returns the answer's JSON; fails unless it is 202. */
    public JsonNode publish(String channel, String type, String dataJson) {
        HttpResponse<String> response = post(
                "/api/sse/publish",
                "{\"channel\":\"" + channel + "\",\"type\":\"" + type + "\",\"data\":" + dataJson + "}");
        if (response.statusCode() != 202) {
            throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }

    public JsonNode stats() {
        return json(get("/api/sse/stats").body());
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
