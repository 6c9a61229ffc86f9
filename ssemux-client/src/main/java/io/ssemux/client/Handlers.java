package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The event handlers of a client, by event type and by channel: an immutable table, made once by
 * the builder. Thread-safe.
 */
final class Handlers {
    private final Map<String, List<Consumer<Event>>> byType;
    private final Map<String, List<Consumer<Event>>> byChannel;

    Handlers(Map<String, List<Consumer<Event>>> byType, Map<String, List<Consumer<Event>>> byChannel) {
        this.byType = copy(byType);
        this.byChannel = copy(byChannel);
    }

    /**
     * The handlers of {@code event}, in the order they are called: those of its type, then those of
     * its channel, then those of {@code all}, each in the order they were added.
     */
    List<Consumer<Event>> of(Event event) {
        List<Consumer<Event>> handlers = new ArrayList<>(2);
        handlers.addAll(byType.getOrDefault(event.type(), List.of()));
        handlers.addAll(byChannel.getOrDefault(event.channel(), List.of()));
        handlers.addAll(byChannel.getOrDefault(Names.ALL, List.of()));
        return handlers;
    }

    private static Map<String, List<Consumer<Event>>> copy(Map<String, List<Consumer<Event>>> handlers) {
        Map<String, List<Consumer<Event>>> copy = new LinkedHashMap<>();
        handlers.forEach((key, list) -> copy.put(key, List.copyOf(list)));
        return Map.copyOf(copy);
    }
}
