package io.ssemux.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One load scenario against a running server: open the streams, hold them idle, publish at a rate
 * (warm-up, then measured), wait for every event to arrive, close. Prints a progress line a
 * second on standard error, then the result as JSON and as a Markdown table row on standard output.
 *
 * <p>Every phase is bounded in time, and the run sends to loopback addresses only.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showDefaultValues = true,
        description = "Opens SSE streams to a server on this machine, publishes numbered events and measures "
                + "delivery, loss, latency and the server's memory and CPU.")
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "SSEMUX", description = "Kind of server: ${COMPLETION-CANDIDATES}.")
    Target target;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Server port.")
    int port;

    @Option(
            names = "--http2-connections",
            defaultValue = "0",
            description = "0: HTTP/1.1, a connection per stream. Else each process carries its streams as HTTP/2"
                    + " streams over this many h2c connections (prior knowledge; ssemux only).")
    int http2Connections;

    @Option(
            names = "--stream-ports",
            split = ",",
            description = "Ports the streams go to, one per process in turn (several nodes of a cluster); "
                    + "default: --port. Publishes go to --port.")
    List<Integer> streamPorts = new ArrayList<>();

    @Option(
            names = {"-c", "--connections"},
            defaultValue = "1000",
            description = "Streams to open.")
    int connections;

    @Option(
            names = "--users",
            description = "Users the streams belong to, in turn (stream n is user n % users); default: one per stream.")
    Integer users;

    @Option(
            names = "--own-channels",
            defaultValue = "0",
            description = "Channels of its user's own (never published to) that each stream subscribes to as well.")
    int ownChannels;

    @Option(names = "--ramp", defaultValue = "2000", description = "New streams a second, at most.")
    int ramp;

    @Option(names = "--max-pending", defaultValue = "256", description = "Connects in flight per process, at most.")
    int maxPending;

    @Option(
            names = "--source-addresses",
            defaultValue = "4",
            description = "Source addresses 127.0.0.1 … 127.0.0.K, in turn (about 28k streams each).")
    int sourceAddresses;

    @Option(
            names = "--processes",
            defaultValue = "1",
            description =
                    "Processes holding the streams (one process may have about 20k open files); >1 starts workers.")
    int processes;

    @Option(names = "--threads", defaultValue = "1", description = "I/O threads per process holding streams.")
    int threads;

    @Option(names = "--rate", defaultValue = "100", description = "Events published a second.")
    double rate;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Publishing before the measured phase.")
    double warmupSeconds;

    @Option(names = "--duration-seconds", defaultValue = "10", description = "The measured phase.")
    double durationSeconds;

    @Option(
            names = "--idle-seconds",
            defaultValue = "3",
            description = "Pause with every stream open before the memory reading.")
    double idleSeconds;

    @Option(
            names = "--drain-seconds",
            defaultValue = "10",
            description = "Longest wait for the last events after publishing.")
    double drainSeconds;

    @Option(names = "--connect-seconds", defaultValue = "180", description = "Longest wait for every stream to open.")
    double connectSeconds;

    @Option(
            names = "--settle-seconds",
            defaultValue = "2",
            description = "Pause after closing the streams before the last memory reading.")
    double settleSeconds;

    @Option(names = "--payload-bytes", defaultValue = "128", description = "Size of each event's data.")
    int payloadBytes;

    @Option(names = "--channel", defaultValue = "bench", description = "Channel of every stream and event.")
    String channel;

    @Option(names = "--max-in-flight", defaultValue = "256", description = "Pipelined publish requests, at most.")
    int maxInFlight;

    @Option(
            names = "--stats-pollers",
            defaultValue = "0",
            description = "Clients reading GET /api/sse/stats back to back during the measured phase.")
    int statsPollers;

    @Option(names = "--stats-query", defaultValue = "", description = "Query string of their requests, e.g. '?top=20'.")
    String statsQuery;

    @Option(
            names = "--stats-interval-millis",
            defaultValue = "0",
            description = "Time between the starts of a poller's requests; 0: back to back.")
    long statsIntervalMillis;

    @Option(names = "--stats-max-polls", defaultValue = "100000", description = "Requests per stats poller, at most.")
    long statsMaxPolls;

    @Option(
            names = "--server-pid",
            split = ",",
            description = "Pids of the server's processes, for RSS and CPU (summed).")
    List<Long> serverPids = new ArrayList<>();

    @Option(
            names = "--worker-jvm-options",
            defaultValue = "-XX:+UseSerialGC -Xms64m -Xmx512m -XX:+AlwaysPreTouch",
            description = "JVM options of worker processes.")
    String workerJvmOptions;

    @Option(
            names = "--on-idle",
            description = "Shell command run after the idle memory reading (e.g. a heap histogram).")
    String onIdle;

    @Option(names = "--on-end", description = "Shell command run after the streams are closed.")
    String onEnd;

    @Option(names = "--label", defaultValue = "run", description = "Name of the run in the table.")
    String label;

    @Option(names = "--out", description = "Writes the result as JSON to this file too.")
    Path out;

    @Option(names = "--require-clean", description = "Exit 1 when an event was lost or duplicated, or a stream failed.")
    boolean requireClean;

    private final PrintStream log = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    private final List<Share> shares = new ArrayList<>();
    private final Histogram latency = Histograms.newHistogram();
    private long runStart;
    private long lastReceived;
    private long lastProgress;
    private Report total;
    private boolean finished;

    @Override
    public Integer call() throws Exception {
        LoadResult result = run();
        String json = WorkerCommand.JSON
                .copy()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(result);
        System.out.println(json);
        System.out.println(LoadResult.markdownHeader());
        System.out.println(result.markdownRow());
        if (out != null) {
            Files.writeString(out, json + "\n");
        }
        return requireClean && !result.clean() ? 1 : 0;
    }

    /** Runs the scenario; the streams and worker processes are gone when it returns. */
    LoadResult run() throws Exception {
        check(connections >= 1, "connections: " + connections + " (expected: >= 1)");
        check(processes >= 1 && processes <= 16, "processes: " + processes + " (expected: 1-16)");
        check(
                sourceAddresses >= 1 && sourceAddresses <= 254,
                "source-addresses: " + sourceAddresses + " (expected: 1-254)");
        check(rate > 0, "rate: " + rate + " (expected: > 0)");
        check(users == null || users >= 1, "users: " + users + " (expected: >= 1)");
        check(ownChannels >= 0 && ownChannels <= 1000, "own-channels: " + ownChannels + " (expected: 0-1000)");
        check(statsPollers >= 0 && statsPollers <= 16, "stats-pollers: " + statsPollers + " (expected: 0-16)");
        check(statsIntervalMillis >= 0, "stats-interval-millis: " + statsIntervalMillis + " (expected: >= 0)");
        check(statsQuery.isEmpty() || statsQuery.startsWith("?"), "stats-query: " + statsQuery + " (expected: ?…)");
        check(payloadBytes >= 48, "payload-bytes: " + payloadBytes + " (expected: >= 48)");
        Loopback.check(host);
        ProcessStats server = new ProcessStats(serverPids);
        double loadBefore = loadAverage();
        ProcessStats.Sample baseline = server.sample();
        runStart = System.nanoTime();
        log.printf(
                Locale.ROOT,
                "%s: %d streams to %s at %s:%d over %d process(es), %d source address(es); load %.2f%n",
                label,
                connections,
                target,
                host,
                port,
                processes,
                sourceAddresses,
                loadBefore);

        EventLoopGroup publisherGroup = ClientTransport.newGroup(1, "bench-publisher");
        try {
            startShares();
            long connectStart = System.nanoTime();
            boolean allOpen = waitFor(connectSeconds, () -> total.connected() + total.failed() >= connections, server);
            double connectTime = (System.nanoTime() - connectStart) / 1e9;
            if (!allOpen) {
                log.printf(
                        "%d of %d streams open after %.0f s: going on with those%n",
                        total.connected(), connections, connectSeconds);
            }
            waitFor(idleSeconds, () -> false, server);
            ProcessStats.Sample idle = server.sample();
            runHook(onIdle);

            Publisher publisher = new Publisher(publisherGroup, target, host, port, channel, payloadBytes, maxInFlight);
            try {
                Publisher.Phase warm = phase(publisher, warmupSeconds, true, server);
                ProcessStats.Sample measureStart = server.sample();
                long measureStartNanos = System.nanoTime();
                StatsPoller poller = statsPollers == 0
                        ? null
                        : new StatsPoller(
                                host,
                                port,
                                statsQuery,
                                statsPollers,
                                statsIntervalMillis,
                                statsMaxPolls,
                                durationSeconds);
                Publisher.Phase measured = phase(publisher, durationSeconds, false, server);
                StatsPoller.Result stats = poller == null ? StatsPoller.Result.NONE : poller.stop();
                // Every accepted event should reach every open stream.
                waitFor(
                        drainSeconds,
                        () -> publisher.accepted() + publisher.errors() >= warm.sent() + measured.sent()
                                && total.received() - total.duplicates()
                                        >= (long) (total.connected() - total.closed()) * publisher.accepted(),
                        server);
                ProcessStats.Sample measureEnd = server.sample();
                double wall = (System.nanoTime() - measureStartNanos) / 1e9;
                double loadAfter = loadAverage();
                Report last = finishShares();
                ProcessStats.Sample afterRun = measureEnd;
                publisher.close();
                waitFor(settleSeconds, () -> false, server);
                ProcessStats.Sample afterClose = server.sample();
                runHook(onEnd);
                return result(
                        last,
                        publisher,
                        warm,
                        measured,
                        stats,
                        connectTime,
                        baseline,
                        idle,
                        measureStart,
                        measureEnd,
                        wall,
                        afterRun,
                        afterClose,
                        loadBefore,
                        loadAfter);
            } finally {
                publisher.close();
            }
        } finally {
            for (Share share : shares) {
                share.close();
            }
            publisherGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void startShares() {
        int per = connections / processes;
        int extra = connections % processes;
        int first = 0;
        List<String> jvm = workerJvmOptions.isBlank()
                ? List.of()
                : List.of(workerJvmOptions.trim().split("\\s+"));
        int lifetime =
                (int) Math.ceil(connectSeconds + idleSeconds + warmupSeconds + durationSeconds + drainSeconds) + 120;
        for (int i = 0; i < processes; i++) {
            int count = per + (i < extra ? 1 : 0);
            ShareSpec spec = new ShareSpec(
                    target,
                    host,
                    streamPorts.isEmpty() ? port : streamPorts.get(i % streamPorts.size()),
                    channel,
                    first,
                    users == null ? connections : users,
                    ownChannels,
                    count,
                    Math.max(1, ramp / processes),
                    maxPending,
                    sourceAddresses,
                    threads,
                    lifetime,
                    http2Connections);
            shares.add(processes == 1 ? new LocalShare(spec) : new WorkerProcess(spec, jvm));
            first += count;
        }
        total = Report.EMPTY;
    }

    private Publisher.Phase phase(Publisher publisher, double seconds, boolean warmup, ProcessStats server)
            throws Exception {
        if (seconds <= 0) {
            return new Publisher.Phase(0, 0);
        }
        CompletableFuture<Publisher.Phase> phase = publisher.run(rate, seconds, warmup);
        waitFor(seconds + 5, phase::isDone, server);
        return phase.get(1, TimeUnit.SECONDS);
    }

    /**
     * Polls the shares every 50 ms until {@code done} or {@code seconds} have passed, with a
     * progress line a second; true when {@code done}.
     */
    private boolean waitFor(double seconds, BooleanSupplier done, ProcessStats server) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            poll(server);
            if (done.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    private void poll(ProcessStats server) {
        if (finished) {
            return;
        }
        Report sum = Report.EMPTY;
        for (Share share : shares) {
            Report r = share.report();
            latency.add(Histograms.decode(r.latency()));
            sum = sum.plus(r);
        }
        total = sum;
        int connected = sum.connected();
        long received = sum.received();
        long now = System.nanoTime();
        if (now - lastProgress >= 1_000_000_000L) {
            double rateNow = lastProgress == 0 ? 0 : (received - lastReceived) / ((now - lastProgress) / 1e9);
            ProcessStats.Sample s = server.sample();
            log.printf(
                    Locale.ROOT,
                    "[%6.1fs] streams %,d/%,d failed %d closed %d | %,.0f ev/s | p99 %.1f ms | gaps %d dup %d | server rss %,d MB cpu %.1f s%n",
                    (now - runStart) / 1e9,
                    connected,
                    connections,
                    sum.failed(),
                    sum.closed(),
                    rateNow,
                    Histograms.millis(latency, 99),
                    sum.gaps(),
                    sum.duplicates(),
                    s.rssBytes() >> 20,
                    s.cpuSeconds());
            lastProgress = now;
            lastReceived = received;
        }
    }

    private Report finishShares() {
        finished = true;
        Report sum = Report.EMPTY;
        Histogram connectTimes = Histograms.newHistogram();
        for (Share share : shares) {
            Report r = share.finish();
            latency.add(Histograms.decode(r.latency()));
            connectTimes.add(Histograms.decode(r.connectTimes()));
            sum = sum.plus(r);
        }
        return sum.withConnectTimes(Histograms.encode(connectTimes));
    }

    private LoadResult result(
            Report r,
            Publisher publisher,
            Publisher.Phase warm,
            Publisher.Phase measured,
            StatsPoller.Result stats,
            double connectTime,
            ProcessStats.Sample baseline,
            ProcessStats.Sample idle,
            ProcessStats.Sample measureStart,
            ProcessStats.Sample measureEnd,
            double wall,
            ProcessStats.Sample afterRun,
            ProcessStats.Sample afterClose,
            double loadBefore,
            double loadAfter) {
        long published = publisher.accepted();
        long expected = (long) r.connected() * published;
        long delivered = r.received() - r.duplicates();
        Histogram connect = Histograms.decode(r.connectTimes());
        double cpu = measureEnd.cpuSeconds() - measureStart.cpuSeconds();
        if (publisher.firstError() != null) {
            log.println("first publish error: " + publisher.firstError());
        }
        return new LoadResult(
                label,
                target.name(),
                connections,
                r.connected(),
                r.failed(),
                r.closed(),
                rate,
                durationSeconds,
                published,
                publisher.errors(),
                warm.behind() + measured.behind(),
                expected,
                delivered,
                expected - delivered,
                r.gaps(),
                r.duplicates(),
                r.measured(),
                round(connectTime),
                Histograms.millis(connect, 50),
                Histograms.millis(connect, 99),
                Histograms.millis(latency, 50),
                Histograms.millis(latency, 90),
                Histograms.millis(latency, 99),
                Histograms.millis(latency, 99.9),
                latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0,
                round(cpu),
                round(measureEnd.systemSeconds() - measureStart.systemSeconds()),
                cpu > 0 ? Math.round(r.measured() / cpu) : 0,
                round(100 * cpu / wall),
                baseline.rssBytes(),
                idle.rssBytes(),
                r.connected() == 0 ? 0 : (idle.rssBytes() - baseline.rssBytes()) / r.connected(),
                afterRun.rssBytes(),
                afterClose.rssBytes(),
                statsPollers,
                stats.polls(),
                stats.errors(),
                stats.meanBytes(),
                stats.p50(),
                stats.p99(),
                loadBefore,
                loadAfter);
    }

    private void runHook(String command) throws IOException, InterruptedException {
        if (command == null || command.isBlank()) {
            return;
        }
        Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            log.println("hook timed out: " + command);
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
