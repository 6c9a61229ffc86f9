package io.ssemux.http;

import io.ssemux.core.HubStats;
import io.ssemux.core.HubTop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /api/sse/stats}: the hub's summary as docs/PROTOCOL.md lists it, keys in a
 * fixed order, then the details asked for. Its size does not grow with the number of users or
 * channels: the details are bounded by the query.
 */
final class StatsJson {
    private StatsJson() {}

    /** The summary, O(1). */
    static Map<String, Object> of(HubStats s, long heapUsedBytes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connections", s.connections());
        answer.put("users", s.users());
        answer.put("channels", s.channels());
        answer.put("eventsPublished", s.eventsPublished());
        answer.put("eventsDelivered", s.eventsDelivered());
        answer.put("eventsDropped", s.eventsDropped());
        answer.put("connectionsOpened", s.connectionsOpened());
        answer.put("connectionsClosed", s.connectionsClosed());
        answer.put("connectionsEvicted", s.connectionsEvicted());
        answer.put("slowConsumerDisconnects", s.slowConsumerDisconnects());
        answer.put("bytesWritten", s.bytesWritten());
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("events", s.history().events());
        history.put("bytes", s.history().bytes());
        history.put("oldestId", s.history().oldestId());
        history.put("newestId", s.history().newestId());
        answer.put("history", history);
        answer.put("heapUsedBytes", heapUsedBytes);
        return answer;
    }

    /**
     * {@code ?scope=cluster}: each node's summary (without heap figures, which are the node's own) and
     * their sum; {@code users} and {@code channels} are summed per node, so a user or channel present on
     * two nodes counts twice.
     */
    static Map<String, Object> cluster(Map<String, HubStats> byNode) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        Map<String, Object> total = new LinkedHashMap<>();
        Object history = null;
        for (Map.Entry<String, HubStats> entry : byNode.entrySet()) {
            Map<String, Object> summary = of(entry.getValue(), 0);
            history = summary.remove("history");
            summary.remove("heapUsedBytes");
            nodes.put(entry.getKey(), summary);
            summary.forEach((name, value) -> total.merge(name, ((Number) value).longValue(), StatsJson::sum));
        }
        if (history != null) {
            total.put("history", history);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scope", "cluster");
        answer.put("nodes", nodes);
        answer.put("total", total);
        return answer;
    }

    private static Object sum(Object a, Object b) {
        return ((Number) a).longValue() + ((Number) b).longValue();
    }

    /** Adds {@code topChannels} and {@code topUsers}: arrays, largest first. */
    static void addTop(Map<String, Object> answer, HubTop top) {
        answer.put("topChannels", entries(top.channels(), "channel", "subscribers"));
        answer.put("topUsers", entries(top.users(), "user", "connections"));
    }

    private static List<Map<String, Object>> entries(List<HubTop.Entry> entries, String name, String count) {
        List<Map<String, Object>> list = new ArrayList<>(entries.size());
        for (HubTop.Entry entry : entries) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put(name, entry.name());
            item.put(count, entry.count());
            list.add(item);
        }
        return list;
    }

    /** The heap in use now, as {@link Runtime} sees it. */
    static long heapUsedBytes() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
