package io.ssemux.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Clients that read {@code GET /api/sse/stats} while the publisher runs, as dashboards do: each
 * asks again {@code intervalMillis} after its previous request started, or as soon as it has the
 * answer when that is 0 (back to back, the worst case). Every poller stops after {@code maxPolls}
 * requests or {@code seconds}, whichever comes first, and talks to loopback only.
 *
 * <p>Thread-safe: {@link #stop()} may be called from any thread, once.
 */
final class StatsPoller {
    private final List<Thread> threads = new ArrayList<>();
    private final Histogram times = Histograms.newHistogram();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean stopped;

    /**
     * The counts of a finished poll.
     *
     * @param polls       stats answered with a 200
     * @param errors      requests that failed or got another status
     * @param meanBytes   mean size of a 200's body
     * @param p50         request-to-answer time, median, in milliseconds
     * @param p99         its 99th percentile
     */
    record Result(long polls, long errors, long meanBytes, double p50, double p99) {
        static final Result NONE = new Result(0, 0, 0, 0, 0);
    }

    /** Starts {@code pollers} threads asking {@code /api/sse/stats} plus {@code query}. */
    StatsPoller(String host, int port, String query, int pollers, long intervalMillis, long maxPolls, double seconds) {
        Loopback.check(host);
        URI uri = URI.create("http://" + host + ":" + port + "/api/sse/stats" + query);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < pollers; i++) {
            Thread thread = new Thread(() -> poll(uri, intervalMillis, maxPolls, deadline), "bench-stats-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void poll(URI uri, long intervalMillis, long maxPolls, long deadline) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        for (long n = 0; n < maxPolls && !stopped && System.nanoTime() < deadline; n++) {
            long start = System.nanoTime();
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    polls.incrementAndGet();
                    bytes.addAndGet(response.body().length);
                    long micros = (System.nanoTime() - start) / 1000;
                    synchronized (times) {
                        times.recordValue(Math.min(micros, Histograms.MAX_MICROS));
                    }
                } else {
                    errors.incrementAndGet();
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long next = start + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            while (!stopped && System.nanoTime() < Math.min(next, deadline)) {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(next - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops the pollers (waiting a little for the requests in flight) and sums them up. */
    Result stop() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(11));
        }
        long n = polls.get();
        synchronized (times) {
            return new Result(
                    n,
                    errors.get(),
                    n == 0 ? 0 : bytes.get() / n,
                    Histograms.millis(times, 50),
                    Histograms.millis(times, 99));
        }
    }
}
