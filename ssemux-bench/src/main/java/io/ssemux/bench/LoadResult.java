package io.ssemux.bench;

import java.util.Locale;

/**
 * The outcome of a {@code load} run, written as JSON; sizes in bytes, times in milliseconds unless
 * the name says otherwise.
 *
 * @param label                    the run's name in tables
 * @param target                   the kind of server
 * @param connections              streams asked for
 * @param connected                streams that got their 200
 * @param failed                   streams that did not
 * @param closedEarly              streams the server ended during the run
 * @param rate                     events a second asked for
 * @param durationSeconds          length of the measured phase
 * @param published                events the server accepted, warm-up included
 * @param publishErrors            publish requests answered with an error
 * @param publishBehind            events the publisher could not send in time (the server answered too slowly)
 * @param expected                 deliveries expected: connected × published
 * @param delivered                events received, duplicates not counted
 * @param lost                     expected − delivered
 * @param gaps                     events missing inside a stream
 * @param duplicates               events received twice or out of order
 * @param measuredDelivered        deliveries of the measured phase
 * @param connectSeconds           time to open every stream
 * @param connectP50               connect-to-response time, median
 * @param connectP99               connect-to-response time, 99th percentile
 * @param latencyP50               publish-to-receive time of measured events, median
 * @param latencyP90               90th percentile
 * @param latencyP99               99th percentile
 * @param latencyP999              99.9th percentile
 * @param latencyMax               maximum
 * @param serverCpuSeconds         server CPU time (user + system) over the measured phase and drain
 * @param serverSystemSeconds      the part of it in the kernel (system time)
 * @param deliveriesPerCpuSecond   measured deliveries / serverCpuSeconds
 * @param serverCpuPercent         serverCpuSeconds over the wall time of the measured phase and drain, ×100
 * @param rssBaseline              server RSS before any stream
 * @param rssIdle                  server RSS with every stream open and idle
 * @param rssPerConnection         (rssIdle − rssBaseline) / connected
 * @param rssAfterRun              server RSS at the end of the publishing, streams still open
 * @param rssAfterClose            server RSS after every stream closed (and a pause)
 * @param statsPollers             clients reading the stats back to back during the measured phase
 * @param statsPolls               stats answers they got (200)
 * @param statsErrors              stats requests that failed
 * @param statsMeanBytes           mean size of a stats answer
 * @param statsP50                 stats request-to-answer time, median
 * @param statsP99                 99th percentile
 * @param loadBefore               1-minute load average before the run
 * @param loadAfter                1-minute load average after the measured phase
 */
record LoadResult(
        String label,
        String target,
        int connections,
        int connected,
        int failed,
        int closedEarly,
        double rate,
        double durationSeconds,
        long published,
        long publishErrors,
        long publishBehind,
        long expected,
        long delivered,
        long lost,
        long gaps,
        long duplicates,
        long measuredDelivered,
        double connectSeconds,
        double connectP50,
        double connectP99,
        double latencyP50,
        double latencyP90,
        double latencyP99,
        double latencyP999,
        double latencyMax,
        double serverCpuSeconds,
        double serverSystemSeconds,
        double deliveriesPerCpuSecond,
        double serverCpuPercent,
        long rssBaseline,
        long rssIdle,
        long rssPerConnection,
        long rssAfterRun,
        long rssAfterClose,
        int statsPollers,
        long statsPolls,
        long statsErrors,
        long statsMeanBytes,
        double statsP50,
        double statsP99,
        double loadBefore,
        double loadAfter) {

    /** Whether every expected event arrived exactly once, on streams that all stayed open. */
    boolean clean() {
        return failed == 0 && closedEarly == 0 && lost == 0 && gaps == 0 && duplicates == 0 && publishErrors == 0;
    }

    static String markdownHeader() {
        return "| run | server | streams | ev/s | delivered / expected | lost | dup | p50 ms | p99 ms | p99.9 ms "
                + "| deliveries / CPU-s | RSS / idle stream | connect p99 ms | load |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    String markdownRow() {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %,d | %,.0f | %,d / %,d | %d | %d | %.1f | %.1f | %.1f | %,.0f | %s | %.1f | %.2f |",
                label,
                target.toLowerCase(Locale.ROOT),
                connected,
                rate,
                delivered,
                expected,
                lost,
                duplicates,
                latencyP50,
                latencyP99,
                latencyP999,
                deliveriesPerCpuSecond,
                kb(rssPerConnection),
                connectP99,
                loadBefore);
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
}
