package io.ssemux.bench;

/**
 * What a share of the connections has seen so far, sent by a worker process as one JSON line.
 *
 * @param connected    streams that got their {@code 200} response
 * @param failed       connects refused, failed or answered with another status
 * @param closed       streams the server ended before the run did
 * @param received     events received, warm-up included, duplicates included
 * @param measured     events of the measured phase received
 * @param gaps         events skipped within a stream (a later sequence number arrived first)
 * @param duplicates   events received again or out of order
 * @param latency      publish-to-receive microseconds of measured events since the previous report (encoded)
 * @param connectTimes connect-to-response microseconds (encoded); in the final report only
 */
record Report(
        int connected,
        int failed,
        int closed,
        long received,
        long measured,
        long gaps,
        long duplicates,
        String latency,
        String connectTimes) {

    /** No stream, no event. */
    static final Report EMPTY = new Report(0, 0, 0, 0, 0, 0, 0, null, null);

    /** The counters of both shares added up; the histograms are left to the caller (null here). */
    Report plus(Report other) {
        return new Report(
                connected + other.connected,
                failed + other.failed,
                closed + other.closed,
                received + other.received,
                measured + other.measured,
                gaps + other.gaps,
                duplicates + other.duplicates,
                null,
                null);
    }

    /** The same counters with the connect-time histogram. */
    Report withConnectTimes(String encoded) {
        return new Report(connected, failed, closed, received, measured, gaps, duplicates, latency, encoded);
    }
}
