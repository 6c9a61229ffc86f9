package io.ssemux.client;

import io.ssemux.core.sse.SseMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The client of a plain SSE stream, on the shared {@link Connector}: one GET of the stream's URL
 * (with {@code Last-Event-ID} on a reconnection), every event to the handlers of its type, then to
 * those of every event. Threads: see {@link Connector}; the handler table is immutable.
 */
final class DefaultPlainSseClient implements PlainSseClient, Connector.Protocol {
    private final URI url;
    private final Map<String, String> headers;
    private final Map<String, List<Consumer<ServerSentEvent>>> byType;
    private final List<Consumer<ServerSentEvent>> every;
    private final Duration idleTimeout;
    private final Connector connector;

    DefaultPlainSseClient(PlainSseClientBuilder builder, String name) {
        this.url = builder.url;
        this.headers = Map.copyOf(builder.headers);
        Map<String, List<Consumer<ServerSentEvent>>> byType = new LinkedHashMap<>();
        builder.byType.forEach((type, handlers) -> byType.put(type, List.copyOf(handlers)));
        this.byType = Map.copyOf(byType);
        this.every = List.copyOf(builder.every);
        this.idleTimeout = builder.idleTimeout;
        this.connector = new Connector(builder, name, this);
    }

    void start() {
        connector.start();
    }

    @Override
    public SseClient.State state() {
        return connector.state();
    }

    @Override
    public String lastEventId() {
        return connector.lastEventId();
    }

    @Override
    public void close() {
        connector.close();
    }

    @Override
    public String toString() {
        return "PlainSseClient[" + connector + ", " + url + "]";
    }

    // ---- Connector.Protocol ----

    @Override
    public CompletionStage<HttpRequest> request(String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(connector.connectTimeout());
        headers.forEach(request::setHeader);
        request.setHeader("Accept", "text/event-stream").setHeader("Cache-Control", "no-cache");
        // An id a header cannot carry is not sent: a plain server has no other way to receive it.
        if (!lastEventId.isEmpty() && DefaultSseClient.isHeaderSafe(lastEventId)) {
            request.setHeader("Last-Event-ID", lastEventId);
        }
        return CompletableFuture.completedFuture(request.build());
    }

    @Override
    public Consumer<SseMessage> opened(Connector.Attempt attempt) {
        if (idleTimeout != null) {
            attempt.watchdog()
                    .expectBytesEvery(
                            idleTimeout, "the idle timeout of " + DeadStreamWatchdog.seconds(idleTimeout.toNanos()));
        }
        attempt.open();
        return message -> {
            attempt.delivered();
            ServerSentEvent event = new ServerSentEvent(message.lastEventId(), message.type(), message.data());
            List<Consumer<ServerSentEvent>> handlers = new ArrayList<>(byType.getOrDefault(event.type(), List.of()));
            handlers.addAll(every);
            for (Consumer<ServerSentEvent> handler : handlers) {
                connector.dispatch("the handler of '" + event.type() + "'", () -> handler.accept(event));
            }
        };
    }

    @Override
    public void ended(Connector.Attempt attempt) {
        // Nothing belongs to a plain stream.
    }
}
