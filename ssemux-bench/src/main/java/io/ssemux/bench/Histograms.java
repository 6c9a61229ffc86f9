package io.ssemux.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** HdrHistograms of microseconds, and their text form for reports between processes. */
final class Histograms {
    /** One minute: longer latencies are clamped to it. */
    static final long MAX_MICROS = 60_000_000L;

    private Histograms() {}

    static Histogram newHistogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String text) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("histogram: not a compressed HdrHistogram", e);
        }
    }

    /** A percentile in milliseconds, or 0 for an empty histogram. */
    static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
