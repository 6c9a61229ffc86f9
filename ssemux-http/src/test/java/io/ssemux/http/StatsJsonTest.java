package io.ssemux.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.HubStats;
import io.ssemux.core.spi.EventLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsJsonTest {
    private static HubStats stats(long n) {
        return new HubStats(
                (int) n,
                (int) n + 1,
                (int) n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8,
                n + 9,
                n + 10,
                new EventLog.Stats(5, 500, null, "c5"));
    }

    @Test
    void theClusterTotalSumsEveryFigureOfTheNodesAndKeepsTheSharedHistory() {
        Map<String, HubStats> byNode = new LinkedHashMap<>();
        byNode.put("a", stats(0));
        byNode.put("b", stats(100));

        Map<String, Object> answer = StatsJson.cluster(byNode);

        @SuppressWarnings("unchecked")
        Map<String, Object> total = (Map<String, Object>) answer.get("total");
        assertThat(total)
                .containsEntry("connections", 100L)
                .containsEntry("users", 102L)
                .containsEntry("slowConsumerDisconnects", 118L)
                .containsEntry("bytesWritten", 120L);
        assertThat(total.keySet()).containsExactlyElementsOf(StatsJsonTest.summaryKeysAndHistory());
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) ((Map<String, Object>) answer.get("nodes")).get("a");
        assertThat(a).doesNotContainKeys("history", "heapUsedBytes").containsEntry("bytesWritten", 10L);
    }

    private static Iterable<String> summaryKeysAndHistory() {
        Map<String, Object> summary = StatsJson.of(stats(0), 0);
        summary.remove("heapUsedBytes");
        summary.remove("history");
        summary.put("history", null);
        return summary.keySet();
    }
}
