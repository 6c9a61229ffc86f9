package io.ssemux.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The resident memory and CPU time of the server's processes, from {@code /proc/<pid>/status}
 * ({@code VmRSS}) and {@code /proc/<pid>/stat} ({@code utime + stime}), summed over the pids.
 * Linux only; with no pids every reading is zero.
 */
final class ProcessStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final List<Long> pids;

    ProcessStats(List<Long> pids) {
        this.pids = List.copyOf(pids);
    }

    /** One reading: resident bytes, and CPU seconds in user and system mode since the processes started. */
    record Sample(long rssBytes, double userSeconds, double systemSeconds) {
        double cpuSeconds() {
            return userSeconds + systemSeconds;
        }
    }

    Sample sample() {
        long rss = 0;
        long user = 0;
        long system = 0;
        for (long pid : pids) {
            rss += rssKb(pid) * 1024;
            long[] ticks = cpuTicks(pid);
            user += ticks[0];
            system += ticks[1];
        }
        return new Sample(rss, (double) user / TICKS_PER_SECOND, (double) system / TICKS_PER_SECOND);
    }

    private static long rssKb(long pid) {
        for (String line : read(pid, "status").split("\n", -1)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+", -1)[0]);
            }
        }
        return 0;
    }

    /** User and system ticks. */
    private static long[] cpuTicks(long pid) {
        String stat = read(pid, "stat");
        // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ", -1);
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])
        }; // utime, stime: fields 14 and 15 of stat
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(
                    "server pid " + pid + ": no such process (expected: the pid of the server under test)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
