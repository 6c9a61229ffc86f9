package io.ssemux.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every vector of {@code sse-vectors/vectors.txt} through the parser in many chunkings; each
 * must give exactly the expected callbacks and last event id.
 */
class SseParserVectorsTest {

    private static final List<SseVector> VECTORS = SseVector.load("/sse-vectors/vectors.txt");

    /** Bytes around the fed range: a parser reading outside it would see extra lines and events. */
    private static final byte[] GUARD = "\n\ndata: outside\n\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void vectorFileIsLoadedAndNamesAreUnique() {
        assertThat(VECTORS).hasSizeGreaterThan(90);
        assertThat(VECTORS).extracting(SseVector::name).doesNotHaveDuplicates();
    }

    @TestFactory
    Stream<DynamicContainer> everyVectorGivesTheSameResultHoweverItIsSplit() {
        return VECTORS.stream()
                .map(v -> DynamicContainer.dynamicContainer(
                        v.name(),
                        Stream.of(
                                DynamicTest.dynamicTest(
                                        "in one feed", () -> check(v, "", SseParserVectorsTest::feedWhole)),
                                DynamicTest.dynamicTest("in every two-way split", () -> everyTwoWaySplit(v)),
                                DynamicTest.dynamicTest("in every three-way split", () -> everyThreeWaySplit(v)),
                                DynamicTest.dynamicTest(
                                        "byte at a time with empty feeds between",
                                        () -> check(v, "", SseParserVectorsTest::feedByteAtATime)),
                                DynamicTest.dynamicTest(
                                        "as heap ByteBuffer slices",
                                        () -> check(v, "", SseParserVectorsTest::feedHeapBufferSlices)),
                                DynamicTest.dynamicTest(
                                        "as direct ByteBuffers of 3 bytes",
                                        () -> check(v, "", SseParserVectorsTest::feedDirectBuffers)))));
    }

    private static void everyTwoWaySplit(SseVector v) {
        for (int split = 0; split <= v.input().length; split++) {
            int at = split;
            check(v, "split at " + at, (parser, in) -> {
                feedRange(parser, in, 0, at);
                feedRange(parser, in, at, in.length);
            });
        }
    }

    private static void everyThreeWaySplit(SseVector v) {
        for (int first = 0; first <= v.input().length; first++) {
            for (int second = first; second <= v.input().length; second++) {
                int a = first;
                int b = second;
                check(v, "split at " + a + " and " + b, (parser, in) -> {
                    feedRange(parser, in, 0, a);
                    feedRange(parser, in, a, b);
                    feedRange(parser, in, b, in.length);
                });
            }
        }
    }

    private static void feedWhole(SseParser parser, byte[] in) {
        feedRange(parser, in, 0, in.length);
    }

    private static void feedByteAtATime(SseParser parser, byte[] in) {
        for (int i = 0; i < in.length; i++) {
            parser.feed(in, i, 0);
            parser.feed(in, i, 1);
        }
        parser.feed(new byte[0], 0, 0);
    }

    private static void feedHeapBufferSlices(SseParser parser, byte[] in) {
        byte[] padded = pad(in, 0, in.length);
        int half = in.length / 2;
        parser.feed(ByteBuffer.wrap(padded, GUARD.length, half).slice());
        parser.feed(
                ByteBuffer.wrap(padded, GUARD.length + half, in.length - half).slice());
    }

    private static void feedDirectBuffers(SseParser parser, byte[] in) {
        for (int i = 0; i < in.length; i += 3) {
            int n = Math.min(3, in.length - i);
            ByteBuffer direct = ByteBuffer.allocateDirect(n).put(in, i, n).flip();
            parser.feed(direct);
            assertThat(direct.hasRemaining()).isFalse();
        }
    }

    /** Feeds {@code in[from, to)} from the middle of a larger array, to catch offset mistakes. */
    private static void feedRange(SseParser parser, byte[] in, int from, int to) {
        parser.feed(pad(in, from, to), GUARD.length, to - from);
    }

    private static byte[] pad(byte[] in, int from, int to) {
        byte[] padded = new byte[GUARD.length + (to - from) + GUARD.length];
        System.arraycopy(GUARD, 0, padded, 0, GUARD.length);
        System.arraycopy(in, from, padded, GUARD.length, to - from);
        System.arraycopy(GUARD, 0, padded, GUARD.length + (to - from), GUARD.length);
        return padded;
    }

    private static void check(SseVector v, String how, BiConsumer<SseParser, byte[]> feeding) {
        RecordingListener listener = new RecordingListener();
        SseParser parser = new SseParser(listener);
        feeding.accept(parser, Arrays.copyOf(v.input(), v.input().length));
        parser.endOfStream();
        assertThat(listener.calls).as("callbacks %s", how).containsExactlyElementsOf(v.expectedCalls());
        assertThat(RecordingListener.quote(parser.lastEventId()))
                .as("lastEventId() %s", how)
                .isEqualTo(v.expectedLastEventId());
    }
}
