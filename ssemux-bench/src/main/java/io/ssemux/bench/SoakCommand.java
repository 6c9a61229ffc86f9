package io.ssemux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long run of mixed, partly hostile load against a running server, to see whether its memory,
 * file descriptors and connections stay flat: churning streams (some resuming with their last event
 * id), steady publishes on several channels and big ones on a bulk channel, readers that stop
 * reading, and bad requests (malformed, mistyped, oversized, garbage, half-sent). Every
 * {@code --sample-seconds} it reads the server's RSS, heap, descriptors, streams and CPU; now and
 * then its live heap after a full collection. At the end: a JSON of the samples, the outcomes and a
 * summary.
 *
 * <p>Every loop is bounded in count and time, and everything goes to loopback addresses.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showDefaultValues = true,
        description = "Runs a long mixed and hostile load against a server on this machine and samples its "
                + "memory, file descriptors and connections.")
public final class SoakCommand implements Callable<Integer> {
    private static final long MIB = 1 << 20;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Server port.")
    int port;

    @Option(names = "--server-pid", required = true, description = "Pid of the server (RSS, CPU, descriptors, jcmd).")
    long serverPid;

    @Option(names = "--duration-seconds", defaultValue = "1800", description = "Length of the load.")
    double durationSeconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "-1",
            description = "Start of the part judged for flatness; -1: a quarter of the run, 300 s at most "
                    + "(the server's history fills in 300 s).")
    double warmupSeconds;

    @Option(names = "--sample-seconds", defaultValue = "10", description = "Interval of the samples.")
    double sampleSeconds;

    @Option(
            names = "--live-heap-every-seconds",
            defaultValue = "600",
            description = "Interval of the live-heap readings after the warm-up (each is a full GC of the server); "
                    + "0: only at the start, the end of the warm-up, the end and after the load.")
    double liveHeapEverySeconds;

    @Option(names = "--no-live-heap", description = "No jcmd at all (no full GC forced on the server).")
    boolean noLiveHeap;

    @Option(
            names = "--jdk-bin",
            description = "Directory of the server JDK's jcmd and jstat (default: this JVM's bin).")
    Path jdkBin;

    @Option(names = "--streams", defaultValue = "300", description = "Streams open at any time, about.")
    int streams;

    @Option(names = "--stream-ramp", defaultValue = "5", description = "Streams opened per 100 ms, at most.")
    int streamRamp;

    @Option(names = "--users", defaultValue = "150", description = "Users the streams are spread over.")
    int users;

    @Option(names = "--min-life-seconds", defaultValue = "5", description = "Shortest life of a stream.")
    double minLifeSeconds;

    @Option(names = "--max-life-seconds", defaultValue = "60", description = "Longest life of a stream.")
    double maxLifeSeconds;

    @Option(names = "--resume-percent", defaultValue = "40", description = "Closed streams that come back resuming.")
    double resumePercent;

    @Option(names = "--all-percent", defaultValue = "5", description = "Streams on 'all'.")
    double allPercent;

    @Option(names = "--bulk-percent", defaultValue = "5", description = "Streams also on the bulk channel.")
    double bulkPercent;

    @Option(names = "--channels", defaultValue = "8", description = "Channels of the steady publishes.")
    int channels;

    @Option(names = "--rate", defaultValue = "40", description = "Steady publishes a second, over the channels.")
    double rate;

    @Option(names = "--payload-bytes", defaultValue = "200", description = "Data size of a steady event.")
    int payloadBytes;

    @Option(names = "--bulk-rate", defaultValue = "2", description = "Publishes a second on the bulk channel.")
    double bulkRate;

    @Option(names = "--bulk-bytes", defaultValue = "32768", description = "Data size of a bulk event.")
    int bulkBytes;

    @Option(names = "--slow-readers", defaultValue = "4", description = "Readers that stop reading, at any time.")
    int slowReaders;

    @Option(names = "--slow-hold-seconds", defaultValue = "60", description = "How long a slow reader reads nothing.")
    double slowHoldSeconds;

    @Option(
            names = "--slow-drain-seconds",
            defaultValue = "10",
            description = "How long a slow reader that reads again waits for the server's close.")
    double slowDrainSeconds;

    @Option(names = "--bad-rate", defaultValue = "4", description = "Bad requests a second, in turn over the kinds.")
    double badRate;

    @Option(names = "--bad-max-open", defaultValue = "100", description = "Bad requests open at once, at most.")
    int badMaxOpen;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "5",
            description = "The server's header, body and keep-alive timeouts, which the half-sent requests check.")
    double timeoutSeconds;

    @Option(
            names = "--timeout-slack-seconds",
            defaultValue = "3",
            description = "How much later than its timeout the server may close a connection.")
    double slackSeconds;

    @Option(
            names = "--settle-seconds",
            defaultValue = "10",
            description = "Pause after the load, before the last reading.")
    double settleSeconds;

    @Option(
            names = "--server-log",
            description = "The server's log, scanned at the end for WARN, ERROR and exceptions.")
    Path serverLog;

    @Option(names = "--histogram-dir", description = "Where the class histograms go (default: a temp directory).")
    Path histogramDir;

    @Option(names = "--label", defaultValue = "soak", description = "Name of the run.")
    String label;

    @Option(names = "--out", description = "Writes the result as JSON to this file too.")
    Path out;

    private final PrintStream log = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    private final Outcomes outcomes = new Outcomes();
    private final List<Sample> samples = new ArrayList<>();
    private final List<LiveHeap> liveHeaps = new ArrayList<>();
    private final Histogram latency = Histograms.newHistogram();
    private final ProcessStats self =
            new ProcessStats(List.of(ProcessHandle.current().pid()));
    private ProcessStats server;
    private ServerProbe probe;
    private SoakStreams soakStreams;
    private long start;
    private boolean loadStarted;
    private long[] lastMachine;
    private ProcessStats.Sample lastServer;
    private ProcessStats.Sample lastSelf;
    private long lastWall;

    /**
     * One reading of the server.
     *
     * @param t seconds since the start of the load
     * @param rssBytes resident set ({@code VmRSS})
     * @param heapUsedBytes heap in use ({@code heapUsedBytes} of the stats: live and not yet collected)
     * @param heapCommittedBytes heap the JVM has committed (jstat: survivors, eden, old)
     * @param oldUsedBytes old generation in use (jstat {@code OU})
     * @param metaspaceUsedBytes metaspace in use (jstat {@code MU})
     * @param youngGcs young collections so far
     * @param fullGcs full collections so far (the live-heap readings force one each)
     * @param fds open file descriptors
     * @param sockets those of them that are sockets
     * @param streams open streams, as the server counts them
     * @param clientStreams streams the soak has launched and not seen end
     * @param serverCpuPercent server CPU since the previous sample (100 = one core)
     * @param soakCpuPercent this load generator's CPU
     * @param othersCpuPercent the rest of the machine's busy time: other work on the same cores
     * @param load1 1-minute load average
     * @param eventsPublished the server's counter
     * @param eventsDelivered the server's counter
     * @param connectionsOpened the server's counter
     * @param slowConsumerDisconnects the server's counter
     * @param connectionsEvicted the server's counter
     * @param historyEvents events in the server's history
     * @param historyBytes memory of the server's history, as it counts it
     * @param serverErrors 5xx answers seen so far
     * @param problems unexpected outcomes seen so far
     */
    record Sample(
            double t,
            long rssBytes,
            long heapUsedBytes,
            long heapCommittedBytes,
            long oldUsedBytes,
            long metaspaceUsedBytes,
            long youngGcs,
            long fullGcs,
            int fds,
            int sockets,
            long streams,
            int clientStreams,
            double serverCpuPercent,
            double soakCpuPercent,
            double othersCpuPercent,
            double load1,
            long eventsPublished,
            long eventsDelivered,
            long connectionsOpened,
            long slowConsumerDisconnects,
            long connectionsEvicted,
            long historyEvents,
            long historyBytes,
            long serverErrors,
            long problems) {}

    /**
     * The live heap after a full collection.
     *
     * @param when {@code start}, {@code warm} (end of the warm-up), {@code during}, {@code end} (end of the load)
     *     or {@code after} (the load stopped and settled)
     * @param rssBeforeBytes RSS just before the collection
     * @param rssAfterBytes RSS just after it
     */
    record LiveHeap(double t, String when, long bytes, long rssBeforeBytes, long rssAfterBytes) {}

    /**
     * Where a figure started, was after the warm-up and at the end, its highest value, and its trend
     * after the warm-up (least squares over the samples of the load).
     *
     * @param growthAfterWarmup the fitted line's rise from the end of the warm-up to the end of the load
     * @param flat whether that rise is below {@code max(5% of the warm value, floor)}
     */
    record Figure(
            double start,
            double warm,
            double end,
            double after,
            double max,
            double slopePerHour,
            double growthAfterWarmup,
            boolean flat) {}

    /** What grew most in the live heap from the end of the warm-up to the end of the load. */
    record Growth(String className, long instancesWarm, long instancesEnd, long bytesWarm, long bytesEnd) {}

    record Result(
            String label,
            Map<String, Object> settings,
            String serverJvmFlags,
            double warmupSeconds,
            Map<String, Object> summary,
            Map<String, Figure> figures,
            Map<String, Long> counters,
            Map<String, Map<String, Long>> statuses,
            Map<String, Double> longestCloseSeconds,
            List<String> problems,
            List<Growth> liveHeapGrowth,
            Map<String, Object> serverLog,
            List<LiveHeap> liveHeap,
            List<Sample> samples) {}

    @Override
    public Integer call() throws Exception {
        Result result = run();
        System.out.println(WorkerCommand.JSON
                .copy()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(result.summary()));
        return (long) result.summary().get("serverErrors") == 0
                        && (long) result.summary().get("problems") == 0
                ? 0
                : 1;
    }

    /** Runs the soak; writes the result to {@code --out} when given. Everything it started is stopped when it returns. */
    Result run() throws Exception {
        check(durationSeconds > 0, "duration-seconds: " + durationSeconds + " (expected: > 0)");
        check(sampleSeconds >= 1, "sample-seconds: " + sampleSeconds + " (expected: >= 1)");
        check(streams >= 1 && streams <= 5000, "streams: " + streams + " (expected: 1-5000)");
        check(channels >= 1 && channels <= 100, "channels: " + channels + " (expected: 1-100)");
        check(rate > 0 && rate <= 1000, "rate: " + rate + " (expected: > 0 and <= 1000)");
        check(bulkRate >= 0 && bulkRate <= 100, "bulk-rate: " + bulkRate + " (expected: 0-100)");
        check(badRate >= 0 && badRate <= 100, "bad-rate: " + badRate + " (expected: 0-100)");
        check(payloadBytes >= 64, "payload-bytes: " + payloadBytes + " (expected: >= 64)");
        check(bulkBytes >= 64, "bulk-bytes: " + bulkBytes + " (expected: >= 64)");
        check(
                minLifeSeconds > 0 && maxLifeSeconds >= minLifeSeconds,
                "life: " + minLifeSeconds + "-" + maxLifeSeconds + " s (expected: 0 < min <= max)");
        Loopback.check(host);
        double warmup = warmupSeconds >= 0 ? warmupSeconds : Math.min(300, durationSeconds / 4);
        Path jdk = jdkBin != null ? jdkBin : Path.of(System.getProperty("java.home"), "bin");
        Path histograms = histogramDir != null ? histogramDir : Files.createTempDirectory("ssemux-soak");
        Files.createDirectories(histograms);
        server = new ProcessStats(List.of(serverPid));
        probe = new ServerProbe(host, port, serverPid, jdk, outcomes);
        String flags = noLiveHeap ? "" : probe.vmFlags();
        probe.startJstat(Math.max(1000, (long) (sampleSeconds * 500)));

        EventLoopGroup group = ClientTransport.newGroup(1, "soak");
        SoakPublisher publisher =
                new SoakPublisher(group, host, port, channels, rate, payloadBytes, bulkRate, bulkBytes, 256, outcomes);
        soakStreams = new SoakStreams(
                group,
                host,
                port,
                outcomes,
                streams,
                streamRamp,
                users,
                channels,
                minLifeSeconds,
                maxLifeSeconds,
                resumePercent / 100,
                allPercent / 100,
                bulkPercent / 100);
        SlowReaders slow = new SlowReaders(
                group,
                host,
                port,
                outcomes,
                slowReaders,
                slowHoldSeconds,
                slowDrainSeconds,
                SoakPublisher.channelName(channels, channels) + "," + SoakPublisher.channelName(0, channels));
        BadInputs bad = new BadInputs(
                group,
                host,
                port,
                outcomes,
                badRate,
                badMaxOpen,
                timeoutSeconds,
                timeoutSeconds,
                timeoutSeconds,
                slackSeconds);
        try {
            log.printf(
                    Locale.ROOT,
                    "%s: %.0f s against %s:%d (server pid %d): %d streams, %.0f+%.0f ev/s, %d slow readers, %.0f bad requests/s;"
                            + " warm-up %.0f s; load %.2f%n",
                    label,
                    durationSeconds,
                    host,
                    port,
                    serverPid,
                    streams,
                    rate,
                    bulkRate,
                    slowReaders,
                    badRate,
                    warmup,
                    loadAverage());
            sleepSeconds(Math.min(2, sampleSeconds)); // jstat's first line
            liveHeap("start", histograms);
            sample();

            start = System.nanoTime();
            loadStarted = true;
            publisher.start();
            soakStreams.start();
            slow.start();
            bad.start();

            double nextLive = warmup;
            long sampleNanos = (long) (sampleSeconds * 1e9);
            long end = start + (long) (durationSeconds * 1e9);
            for (long next = start + sampleNanos; next < end; next += sampleNanos) {
                sleepUntil(next);
                double t = seconds();
                if (t >= nextLive && t < durationSeconds - sampleSeconds) {
                    liveHeap(nextLive == warmup ? "warm" : "during", histograms);
                    nextLive = liveHeapEverySeconds > 0 ? nextLive + liveHeapEverySeconds : Double.MAX_VALUE;
                }
                sample();
            }
            sleepUntil(end);
            sample();
            liveHeap("end", histograms);

            bad.stop();
            slow.stop();
            soakStreams.stop();
            publisher.stop();
            latency.add(soakStreams.latency().getIntervalHistogram());
            sleepSeconds(settleSeconds);
            sample();
            liveHeap("after", histograms);
        } finally {
            bad.stop();
            slow.stop();
            soakStreams.stop();
            publisher.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            probe.close();
        }
        Result result = result(warmup, flags, histograms, bad);
        if (out != null) {
            Files.writeString(
                    out,
                    WorkerCommand.JSON
                                    .copy()
                                    .enable(SerializationFeature.INDENT_OUTPUT)
                                    .writeValueAsString(result)
                            + "\n");
        }
        return result;
    }

    /** Seconds since the load started; 0 before. */
    private double seconds() {
        return loadStarted ? (System.nanoTime() - start) / 1e9 : 0;
    }

    private void liveHeap(String when, Path dir) {
        if (noLiveHeap) {
            return;
        }
        long before = server.sample().rssBytes();
        long bytes = probe.liveHeap(dir.resolve(label + "-histogram-" + when + ".txt"));
        long after = server.sample().rssBytes();
        double t = seconds();
        liveHeaps.add(new LiveHeap(round(t), when, bytes, before, after));
        log.printf(
                Locale.ROOT,
                "[%6.0fs] live heap (%s, after a full GC): %.1f MB; RSS %.1f -> %.1f MB%n",
                t,
                when,
                bytes / (double) MIB,
                before / (double) MIB,
                after / (double) MIB);
    }

    private void sample() {
        double t = seconds();
        long wall = System.nanoTime();
        ProcessStats.Sample s = server.sample();
        ProcessStats.Sample me = self.sample();
        long[] machine = machineTicks();
        double serverCpu = 0;
        double soakCpu = 0;
        double others = 0;
        if (lastServer != null) {
            double dt = (wall - lastWall) / 1e9;
            serverCpu = 100 * (s.cpuSeconds() - lastServer.cpuSeconds()) / dt;
            soakCpu = 100 * (me.cpuSeconds() - lastSelf.cpuSeconds()) / dt;
            double busy = 100.0 * (machine[0] - lastMachine[0]) / 100 / dt; // ticks of 10 ms, all cores
            others = Math.max(0, busy - serverCpu - soakCpu);
        }
        lastServer = s;
        lastSelf = me;
        lastMachine = machine;
        lastWall = wall;
        ServerProbe.OpenFiles files = probe.openFiles();
        JsonNode stats = probe.stats();
        Map<String, Double> gc = probe.gc();
        ToDoubleFunction<String> kb = name -> gc.getOrDefault(name, 0.0) * 1024;
        long committed = (long)
                (kb.applyAsDouble("S0C") + kb.applyAsDouble("S1C") + kb.applyAsDouble("EC") + kb.applyAsDouble("OC"));
        Sample sample = new Sample(
                round(t),
                s.rssBytes(),
                stats == null ? -1 : stats.path("heapUsedBytes").asLong(),
                committed,
                (long) kb.applyAsDouble("OU"),
                (long) kb.applyAsDouble("MU"),
                gc.getOrDefault("YGC", 0.0).longValue(),
                gc.getOrDefault("FGC", 0.0).longValue(),
                files.fds(),
                files.sockets(),
                stats == null ? -1 : stats.path("connections").asLong(),
                soakStreams == null ? 0 : soakStreams.active(),
                round(serverCpu),
                round(soakCpu),
                round(others),
                loadAverage(),
                stats == null ? -1 : stats.path("eventsPublished").asLong(),
                stats == null ? -1 : stats.path("eventsDelivered").asLong(),
                stats == null ? -1 : stats.path("connectionsOpened").asLong(),
                stats == null ? -1 : stats.path("slowConsumerDisconnects").asLong(),
                stats == null ? -1 : stats.path("connectionsEvicted").asLong(),
                stats == null ? -1 : stats.path("history").path("events").asLong(),
                stats == null ? -1 : stats.path("history").path("bytes").asLong(),
                outcomes.serverErrors(),
                outcomes.problemCount());
        samples.add(sample);
        if (soakStreams != null) {
            latency.add(soakStreams.latency().getIntervalHistogram());
        }
        log.printf(
                Locale.ROOT,
                "[%6.0fs] rss %.1f MB heap %.1f/%.1f MB fds %d (sockets %d) streams %d | cpu server %.0f%% soak %.0f%% others %.0f%% load %.2f"
                        + " | published %d slow cuts %d | 5xx %d problems %d%n",
                t,
                sample.rssBytes() / (double) MIB,
                sample.heapUsedBytes() / (double) MIB,
                committed / (double) MIB,
                sample.fds(),
                sample.sockets(),
                sample.streams(),
                serverCpu,
                soakCpu,
                others,
                sample.load1(),
                sample.eventsPublished(),
                sample.slowConsumerDisconnects(),
                sample.serverErrors(),
                sample.problems());
    }

    private Result result(double warmup, String flags, Path histograms, BadInputs bad) throws IOException {
        List<Sample> loaded = samples.stream()
                .filter(s -> s.t() > 0 && s.t() <= durationSeconds + 1)
                .toList();
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        Map<String, Figure> figures = new LinkedHashMap<>();
        figures.put("rssMB", figure(first, last, loaded, warmup, s -> s.rssBytes() / (double) MIB, 4));
        figures.put("heapUsedMB", figure(first, last, loaded, warmup, s -> s.heapUsedBytes() / (double) MIB, 4));
        figures.put(
                "heapCommittedMB", figure(first, last, loaded, warmup, s -> s.heapCommittedBytes() / (double) MIB, 4));
        figures.put("fds", figure(first, last, loaded, warmup, s -> s.fds(), 20));
        figures.put("sockets", figure(first, last, loaded, warmup, s -> s.sockets(), 20));
        figures.put("streams", figure(first, last, loaded, warmup, s -> s.streams(), 20));
        Figure live = liveFigure();
        if (live != null) {
            figures.put("liveHeapMB", live);
        }

        long serverErrors = outcomes.serverErrors();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("durationSeconds", durationSeconds);
        summary.put("warmupSeconds", warmup);
        summary.put("serverErrors", serverErrors);
        summary.put("problems", outcomes.problemCount());
        summary.put("gaps", outcomes.counter("gaps"));
        summary.put("duplicates", outcomes.counter("duplicates"));
        summary.put("resets", outcomes.counter("resets"));
        summary.put("streamsOpened", outcomes.counter("streamsOpened"));
        summary.put("streamsResumed", outcomes.counter("streamsResumed"));
        summary.put("eventsReceived", outcomes.counter("eventsReceived"));
        summary.put("slowReadersCut", outcomes.counter("slowReadersCut"));
        summary.put("slowReadersNotCut", outcomes.counter("slowReadersNotCut"));
        summary.put("badRequests", outcomes.counter("badOk") + outcomes.counter("badUnexpected"));
        summary.put("badUnexpected", outcomes.counter("badUnexpected"));
        summary.put("latencyP50Millis", Histograms.millis(latency, 50));
        summary.put("latencyP99Millis", Histograms.millis(latency, 99));
        summary.put("latencyMaxMillis", latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0);
        summary.put("meanServerCpuPercent", mean(loaded, Sample::serverCpuPercent));
        summary.put("meanSoakCpuPercent", mean(loaded, Sample::soakCpuPercent));
        summary.put("meanOthersCpuPercent", mean(loaded, Sample::othersCpuPercent));
        summary.put(
                "load1Range",
                List.of(
                        loaded.stream().mapToDouble(Sample::load1).min().orElse(0),
                        loaded.stream().mapToDouble(Sample::load1).max().orElse(0)));
        summary.put(
                "flatAfterWarmup",
                live != null ? live.flat() && figures.get("rssMB").flat() : null);
        summary.put(
                "flatRule",
                "the least-squares line through the samples after the warm-up rises by less than 5% of the value at the"
                        + " end of the warm-up, or less than 4 MB (20 descriptors)");

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("streams", streams);
        settings.put("users", users);
        settings.put("lifeSeconds", List.of(minLifeSeconds, maxLifeSeconds));
        settings.put("resumePercent", resumePercent);
        settings.put("allPercent", allPercent);
        settings.put("bulkPercent", bulkPercent);
        settings.put("channels", channels);
        settings.put("rate", rate);
        settings.put("payloadBytes", payloadBytes);
        settings.put("bulkRate", bulkRate);
        settings.put("bulkBytes", bulkBytes);
        settings.put("slowReaders", slowReaders);
        settings.put("slowHoldSeconds", slowHoldSeconds);
        settings.put("badRate", badRate);
        settings.put("badKinds", BadInput.values().length);
        settings.put("timeoutSeconds", timeoutSeconds);
        settings.put("sampleSeconds", sampleSeconds);
        settings.put("liveHeapEverySeconds", liveHeapEverySeconds);

        return new Result(
                label,
                settings,
                flags,
                warmup,
                summary,
                figures,
                outcomes.counters(),
                outcomes.statuses(),
                bad.longestCloseSeconds(),
                outcomes.problems(),
                growth(histograms),
                scanLog(),
                liveHeaps,
                samples);
    }

    /**
     * A figure over the samples: start (before the load), warm (the sample nearest the end of the
     * warm-up), end (the last under load), after (the load stopped), max, and the trend after the warm-up.
     */
    private Figure figure(
            Sample first,
            Sample last,
            List<Sample> loaded,
            double warmup,
            ToDoubleFunction<Sample> value,
            double floor) {
        List<Sample> judged = loaded.stream().filter(s -> s.t() >= warmup).toList();
        Sample warm = judged.isEmpty() ? last : judged.get(0);
        Sample end = loaded.isEmpty() ? last : loaded.get(loaded.size() - 1);
        double[] xs = judged.stream().mapToDouble(Sample::t).toArray();
        double[] ys = judged.stream().mapToDouble(value).toArray();
        return figure(
                value.applyAsDouble(first),
                value.applyAsDouble(warm),
                value.applyAsDouble(end),
                value.applyAsDouble(last),
                loaded.stream().mapToDouble(value).max().orElse(0),
                xs,
                ys,
                floor);
    }

    /** The live heap's figure from its readings (warm, during, end), or null without them. */
    private Figure liveFigure() {
        List<LiveHeap> judged = liveHeaps.stream()
                .filter(h ->
                        h.bytes() > 0 && !h.when().equals("start") && !h.when().equals("after"))
                .toList();
        if (judged.isEmpty()) {
            return null;
        }
        double startValue = valueOf("start");
        double afterValue = valueOf("after");
        double[] xs = judged.stream().mapToDouble(LiveHeap::t).toArray();
        double[] ys = judged.stream().mapToDouble(h -> h.bytes() / (double) MIB).toArray();
        return figure(
                startValue,
                ys[0],
                ys[ys.length - 1],
                afterValue,
                judged.stream().mapToDouble(h -> h.bytes() / (double) MIB).max().orElse(0),
                xs,
                ys,
                4);
    }

    private double valueOf(String when) {
        return liveHeaps.stream()
                .filter(h -> h.when().equals(when))
                .mapToDouble(h -> h.bytes() / (double) MIB)
                .findFirst()
                .orElse(-1);
    }

    private static Figure figure(
            double start, double warm, double end, double after, double max, double[] xs, double[] ys, double floor) {
        double slope = slope(xs, ys);
        double span = xs.length < 2 ? 0 : xs[xs.length - 1] - xs[0];
        double growth = slope * span;
        boolean flat = growth < Math.max(0.05 * Math.abs(warm), floor);
        return new Figure(
                round(start),
                round(warm),
                round(end),
                round(after),
                round(max),
                round(slope * 3600),
                round(growth),
                flat);
    }

    /** The least-squares slope of {@code ys} over {@code xs}; 0 with fewer than two points. */
    static double slope(double[] xs, double[] ys) {
        int n = xs.length;
        if (n < 2) {
            return 0;
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += xs[i];
            my += ys[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /** The classes whose live bytes grew most from the end of the warm-up to the end of the load. */
    private List<Growth> growth(Path dir) throws IOException {
        Path warm = dir.resolve(label + "-histogram-warm.txt");
        Path end = dir.resolve(label + "-histogram-end.txt");
        if (noLiveHeap || !Files.exists(warm) || !Files.exists(end)) {
            return List.of();
        }
        Map<String, long[]> before = ServerProbe.histogram(warm);
        Map<String, long[]> after = ServerProbe.histogram(end);
        List<Growth> growth = new ArrayList<>();
        after.remove("Total");
        before.remove("Total");
        after.forEach((name, a) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            growth.add(new Growth(name, b[0], a[0], b[1], a[1]));
        });
        before.forEach((name, b) -> {
            if (!after.containsKey(name)) {
                growth.add(new Growth(name, b[0], 0, b[1], 0));
            }
        });
        growth.sort(Comparator.comparingLong((Growth g) -> g.bytesEnd() - g.bytesWarm())
                .reversed());
        return growth.subList(0, Math.min(15, growth.size()));
    }

    /** Counts of WARN and ERROR lines and of exceptions in the server's log, and the first few of them. */
    private Map<String, Object> scanLog() throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (serverLog == null || !Files.exists(serverLog)) {
            return answer;
        }
        long warn = 0;
        long error = 0;
        long exceptions = 0;
        List<String> first = new ArrayList<>();
        for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
            boolean notable = false;
            if (line.contains(" WARN ")) {
                warn++;
                notable = true;
            }
            if (line.contains(" ERROR ")) {
                error++;
                notable = true;
            }
            if (line.contains("Exception") || line.contains("Error:")) {
                exceptions++;
                notable = true;
            }
            if (notable && first.size() < 10) {
                first.add(line.length() > 300 ? line.substring(0, 300) : line);
            }
        }
        answer.put("warn", warn);
        answer.put("error", error);
        answer.put("exceptionLines", exceptions);
        answer.put("first", first);
        return answer;
    }

    private static double mean(List<Sample> samples, ToDoubleFunction<Sample> value) {
        return round(samples.stream().mapToDouble(value).average().orElse(0));
    }

    /** Busy ticks (10 ms) of every core since boot, from {@code /proc/stat}: all but idle and iowait. */
    private static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
                    .get(0);
            String[] f = line.trim().split("\\s+", -1);
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return new long[] {busy};
        } catch (IOException | RuntimeException e) {
            return new long[] {0};
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void sleepSeconds(double seconds) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
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
