package io.ssemux.bench;

/**
 * A share of the run's streams, in this process or in a worker process. Called from the
 * coordinator's thread only.
 */
interface Share extends AutoCloseable {

    /** What the share has seen so far; latencies are those since the previous report. */
    Report report();

    /** Closes the share's streams and returns its final report (with connect times). */
    Report finish();

    /** Frees what {@link #finish()} did not (a worker process that did not answer). Idempotent. */
    @Override
    void close();
}
