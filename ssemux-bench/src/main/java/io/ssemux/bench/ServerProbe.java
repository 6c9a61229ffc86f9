package io.ssemux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a soak reads of the server under test: its {@code /api/sse/stats}, its open file descriptors
 * and sockets ({@code /proc/<pid>/fd}), its heap sizes and collections (a {@code jstat -gc} that
 * prints every few seconds), and on demand its live heap ({@code jcmd GC.class_histogram}, which
 * runs a full collection first). Linux only. Not thread-safe: the soak's main thread uses it.
 */
final class ServerProbe implements AutoCloseable {
    private final String statsUrl;
    private final long pid;
    private final Path jdkBin;
    private final Outcomes outcomes;
    private Process jstat;
    private volatile Map<String, Double> lastGc = Map.of();

    ServerProbe(String host, int port, long pid, Path jdkBin, Outcomes outcomes) {
        this.statsUrl = "http://" + Loopback.check(host).getHostAddress() + ":" + port + "/api/sse/stats?user=none";
        this.pid = pid;
        this.jdkBin = jdkBin;
        this.outcomes = outcomes;
    }

    /** Starts {@code jstat -gc <pid> <interval>}; its latest line is what {@link #gc()} returns. */
    void startJstat(long intervalMillis) throws IOException {
        jstat = new ProcessBuilder(
                        jdkBin.resolve("jstat").toString(), "-gc", Long.toString(pid), Long.toString(intervalMillis))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Thread reader = new Thread(() -> readJstat(jstat.getInputStream()), "soak-jstat");
        reader.setDaemon(true);
        reader.start();
    }

    private void readJstat(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String[] header = null;
            for (String line; (line = lines.readLine()) != null; ) {
                String[] fields = line.trim().split("\\s+", -1);
                if (fields.length > 0 && fields[0].equals("S0C")) {
                    header = fields;
                } else if (header != null && fields.length == header.length) {
                    Map<String, Double> values = new HashMap<>();
                    for (int i = 0; i < fields.length; i++) {
                        values.put(header[i], parse(fields[i]));
                    }
                    lastGc = values;
                }
            }
        } catch (IOException e) {
            // jstat ended; the last values stay.
        }
    }

    private static double parse(String field) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            return -1; // "-" for a counter the collector does not have
        }
    }

    /** The latest {@code jstat -gc} line by column (sizes in KB), empty before the first. */
    Map<String, Double> gc() {
        return lastGc;
    }

    /** {@code /api/sse/stats}, or {@code null} when the server did not answer it. */
    JsonNode stats() {
        try {
            HttpURLConnection http =
                    (HttpURLConnection) URI.create(statsUrl).toURL().openConnection();
            http.setConnectTimeout(5_000);
            http.setReadTimeout(5_000);
            http.setRequestProperty("Connection", "close");
            try {
                int status = http.getResponseCode();
                outcomes.status("stats", status);
                if (status != 200) {
                    outcomes.problem("stats: " + status);
                    return null;
                }
                try (InputStream body = http.getInputStream()) {
                    return WorkerCommand.JSON.readTree(body);
                }
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            outcomes.problem("stats: " + e);
            return null;
        }
    }

    /** Open file descriptors of the server, and how many of them are sockets. */
    record OpenFiles(int fds, int sockets) {}

    OpenFiles openFiles() {
        int fds = 0;
        int sockets = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : dir) {
                fds++;
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (NoSuchFileException e) {
                    fds--; // closed while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OpenFiles(fds, sockets);
    }

    /**
     * Runs {@code jcmd <pid> GC.class_histogram} (a full collection, then a count of what is live),
     * writes its output to {@code out}, and returns the live bytes it totals; -1 when it failed.
     */
    long liveHeap(Path out) {
        try {
            Process jcmd = new ProcessBuilder(
                            jdkBin.resolve("jcmd").toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                outcomes.problem("jcmd GC.class_histogram: no answer in 60 s");
                return -1;
            }
            return histogram(out).getOrDefault("Total", new long[] {0, -1})[1];
        } catch (IOException e) {
            outcomes.problem("jcmd: " + e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The server JVM's flags as {@code jcmd <pid> VM.flags} prints them (ergonomic choices included); "" when it failed. */
    String vmFlags() {
        try {
            Process jcmd = new ProcessBuilder(jdkBin.resolve("jcmd").toString(), Long.toString(pid), "VM.flags")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
            // The first line is "<pid>:".
            return text.substring(text.indexOf('\n') + 1).trim();
        } catch (IOException e) {
            outcomes.problem("jcmd VM.flags: " + e);
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A class histogram by class name: instances and bytes; the {@code Total} line too. */
    static Map<String, long[]> histogram(Path file) throws IOException {
        Map<String, long[]> classes = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", -1);
            try {
                if (f.length >= 4 && f[0].endsWith(":")) {
                    classes.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}, (a, b) ->
                            new long[] {a[0] + b[0], a[1] + b[1]});
                } else if (f.length == 3 && f[0].equals("Total")) {
                    classes.put("Total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            } catch (NumberFormatException e) {
                // not a line of the table
            }
        }
        return classes;
    }

    @Override
    public void close() {
        if (jstat != null) {
            jstat.destroy();
            try {
                if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
                    jstat.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                jstat.destroyForcibly();
            }
        }
    }
}
