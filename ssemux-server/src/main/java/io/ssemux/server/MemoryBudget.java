package io.ssemux.server;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The most memory the configured limits allow the server to hold, against what the JVM may use: a
 * warning at start when the worst case does not fit, so an operator learns it from the log rather
 * than from an {@code OutOfMemoryError}. See docs/OPERATIONS.md, "Limits and memory". Immutable.
 *
 * @param historyBytes  the history's bound, counted twice: a plain and an envelope frame per event,
 *                      each on the heap and as the shared direct buffer every stream writes
 * @param outboundBytes every stream's outbound limit, full of frames no other stream shares
 * @param requestBytes  every other socket holding a request body of the largest size
 * @param streamBytes   the per-stream state, about 2 KB each (measured: docs/BENCHMARKS.md)
 */
record MemoryBudget(long historyBytes, long outboundBytes, long requestBytes, long streamBytes) {
    private static final long STREAM_STATE_BYTES = 2 * 1024;

    static MemoryBudget of(
            long historyMaxBytes, int maxConnections, int outboundLimitBytes, int maxSockets, int maxBodyBytes) {
        return new MemoryBudget(
                2 * historyMaxBytes,
                (long) maxConnections * outboundLimitBytes,
                (long) Math.max(0, maxSockets - maxConnections) * maxBodyBytes,
                maxConnections * STREAM_STATE_BYTES);
    }

    long total() {
        return historyBytes + outboundBytes + requestBytes + streamBytes;
    }

    /** The JVM's maximum heap. */
    static long heapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The JVM's direct memory limit: the last {@code -XX:MaxDirectMemorySize}, else the heap's maximum. */
    static long directBytes() {
        long heap = heapBytes();
        long direct = heap;
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : flags) {
            if (flag.startsWith("-XX:MaxDirectMemorySize=")) {
                direct = parseSize(flag.substring("-XX:MaxDirectMemorySize=".length()), heap);
            }
        }
        return direct;
    }

    /** The JVM's heap and direct memory together. */
    static long jvmBytes() {
        return heapBytes() + directBytes();
    }

    private static long parseSize(String value, long fallback) {
        try {
            char unit = Character.toLowerCase(value.charAt(value.length() - 1));
            long scale = switch (unit) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            String digits = scale == 1 ? value : value.substring(0, value.length() - 1);
            return Long.parseLong(digits) * scale;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%d MiB (history %d, stalled streams %d, request bodies %d, stream state %d)",
                total() >> 20,
                historyBytes >> 20,
                outboundBytes >> 20,
                requestBytes >> 20,
                streamBytes >> 20);
    }
}
