package io.ssemux.bench.spring.sink;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

/**
 * Live events the way a Spring team writes them today: a {@link Sinks.Many} multicast per channel, a
 * {@code text/event-stream} endpoint returning a {@code Flux<ServerSentEvent<String>>} of the
 * requested channels with a heartbeat, and a JSON publish endpoint. It speaks as much of ssemux's
 * protocol as the load generator reads ({@code GET /api/sse/stream?channels=…}, a first
 * {@code connected} event, {@code POST /api/sse/publish} of {@code {channel, type, data}}, the data
 * as it was sent, an id per event), and nothing more: no resume, no limits, no authentication.
 *
 * <p>Thread-safe: publishes may come on any thread ({@code emitNext} retries a concurrent emission).
 */
@RestController
@RequestMapping("/api/sse")
class SinkController {
    /** ssemux's default heartbeat. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private final Map<String, Sinks.Many<ServerSentEvent<String>>> channels = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** A publish request, as ssemux takes it. */
    record Publish(String channel, String type, JsonNode data) {}

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@RequestParam("channels") String channels) {
        List<String> names = Arrays.asList(channels.split(","));
        // Sent at once, so the client gets its response headers before the first event.
        ServerSentEvent<String> connected = ServerSentEvent.builder("{\"channels\":" + quoted(names) + "}")
                .event("connected")
                .build();
        Flux<ServerSentEvent<String>> events =
                Flux.merge(names.stream().map(name -> channel(name).asFlux()).toList());
        Flux<ServerSentEvent<String>> heartbeats = Flux.interval(HEARTBEAT)
                .map(tick ->
                        ServerSentEvent.<String>builder().comment("heartbeat").build());
        return Flux.concat(Flux.just(connected), Flux.merge(events, heartbeats));
    }

    @PostMapping(path = "/publish", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> publish(@RequestBody Publish publish) {
        long id = ids.incrementAndGet();
        ServerSentEvent<String> event = ServerSentEvent.builder(publish.data().toString())
                .id(Long.toString(id))
                .event(publish.type())
                .build();
        channel(publish.channel()).emitNext(event, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
        return Map.of("id", id);
    }

    /**
     * The channel's sink: each event to the subscribers there are, a subscriber that has not asked
     * for more missing it rather than holding back the others.
     */
    private Sinks.Many<ServerSentEvent<String>> channel(String name) {
        return channels.computeIfAbsent(name, n -> Sinks.many().multicast().directBestEffort());
    }

    private static String quoted(List<String> names) {
        return names.stream()
                .map(n -> "\"" + n.replace("\"", "") + "\"")
                .toList()
                .toString();
    }
}
