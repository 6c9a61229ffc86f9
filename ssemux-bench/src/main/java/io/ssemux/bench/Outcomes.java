package io.ssemux.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients of a soak saw: HTTP statuses by source ({@code stream 200}, {@code publish 202},
 * {@code bad MALFORMED_JSON 400}), named counters, and the first few problems in words. Thread-safe:
 * every I/O thread records here.
 */
final class Outcomes {
    private static final int MAX_PROBLEMS = 20;

    private final Map<String, Map<Integer, LongAdder>> statuses = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentSkipListMap<>();
    private final List<String> problems = new ArrayList<>();
    private final LongAdder problemCount = new LongAdder();

    /** One answer with {@code status} to a request of {@code source}. */
    void status(String source, int status) {
        statuses.computeIfAbsent(source, s -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(status, s -> new LongAdder())
                .increment();
    }

    void count(String name) {
        add(name, 1);
    }

    void add(String name, long n) {
        counters.computeIfAbsent(name, s -> new LongAdder()).add(n);
    }

    long counter(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** Something that must not happen: counted, and the first few kept in words. */
    void problem(String what) {
        problemCount.increment();
        synchronized (problems) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(what);
            }
        }
    }

    long problemCount() {
        return problemCount.sum();
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** Answers with a 5xx status, from any source. */
    long serverErrors() {
        long n = 0;
        for (Map<Integer, LongAdder> bySource : statuses.values()) {
            for (Map.Entry<Integer, LongAdder> e : bySource.entrySet()) {
                if (e.getKey() >= 500) {
                    n += e.getValue().sum();
                }
            }
        }
        return n;
    }

    /** Statuses by source, in a fixed order: {@code {"publish": {"202": 1234}}}. */
    Map<String, Map<String, Long>> statuses() {
        Map<String, Map<String, Long>> answer = new TreeMap<>();
        statuses.forEach((source, bySource) -> {
            Map<String, Long> counts = new TreeMap<>();
            bySource.forEach((status, n) -> counts.put(Integer.toString(status), n.sum()));
            answer.put(source, counts);
        });
        return answer;
    }

    Map<String, Long> counters() {
        Map<String, Long> answer = new TreeMap<>();
        counters.forEach((name, n) -> answer.put(name, n.sum()));
        return answer;
    }
}
