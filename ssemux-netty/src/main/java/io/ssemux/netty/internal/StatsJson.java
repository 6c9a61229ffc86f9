package io.ssemux.netty.internal;

import io.ssemux.core.HubStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The body of {@code GET /api/sse/stats}: the hub's stats as docs/PROTOCOL.md lists them, keys in a fixed order. */
final class StatsJson {
    private StatsJson() {}

    /**
     * @param user when not {@code null}, {@code connectionsPerUser} holds only this user (with 0
     *             when it has no stream)
     * @param heapUsedBytes the JVM's heap in use
     */
    static Map<String, Object> of(HubStats s, String user, long heapUsedBytes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connections", s.connections());
        answer.put("users", s.users());
        Map<String, Integer> perUser = user == null
                ? new TreeMap<>(s.connectionsPerUser())
                : Map.of(user, s.connectionsPerUser().getOrDefault(user, 0));
        answer.put("connectionsPerUser", perUser);
        answer.put("subscribersPerChannel", new TreeMap<>(s.subscribersPerChannel()));
        answer.put("eventsPublished", s.eventsPublished());
        answer.put("eventsDelivered", s.eventsDelivered());
        answer.put("eventsDropped", s.eventsDropped());
        answer.put("connectionsOpened", s.connectionsOpened());
        answer.put("connectionsClosed", s.connectionsClosed());
        answer.put("connectionsEvicted", s.connectionsEvicted());
        answer.put("slowConsumerDisconnects", s.slowConsumerDisconnects());
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("events", s.history().events());
        history.put("bytes", s.history().bytes());
        history.put("oldestId", s.history().oldestId());
        history.put("newestId", s.history().newestId());
        answer.put("history", history);
        answer.put("heapUsedBytes", heapUsedBytes);
        return answer;
    }

    /** The heap in use now, as {@link Runtime} sees it. */
    static long heapUsedBytes() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
