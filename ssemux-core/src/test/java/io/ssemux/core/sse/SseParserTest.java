package io.ssemux.core.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour beyond the stream vectors: the API contract, limits, reuse and large streams. */
class SseParserTest {

    private final RecordingListener listener = new RecordingListener();
    private final SseParser parser = new SseParser(listener);

    private static void feed(SseParser parser, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        parser.feed(bytes, 0, bytes.length);
    }

    private static void feedByteAtATime(SseParser parser, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            parser.feed(bytes, i, 1);
        }
    }

    private static String event(String type, String data, String id) {
        return "event type=" + RecordingListener.quote(type) + " data=" + RecordingListener.quote(data) + " id="
                + RecordingListener.quote(id);
    }

    @Test
    void lastEventIdIsEmptyInitially() {
        assertThat(parser.lastEventId()).isEmpty();
    }

    @Test
    void lastEventIdChangesAtTheBlankLineEndingTheEventNotAtTheIdField() {
        feed(parser, "id: 1\ndata: a\n\nid: 2\ndata: b\n");
        assertThat(parser.lastEventId()).isEqualTo("1");
        feed(parser, "\n");
        assertThat(parser.lastEventId()).isEqualTo("2");
    }

    @Test
    void endOfStreamDiscardsThePendingEventAndItsId() {
        feed(parser, "id: 1\ndata: a\n\nid: 2\nevent: x\ndata: b\ndata: c");
        parser.endOfStream();
        assertThat(listener.calls).containsExactly(event("message", "a", "1"));
        assertThat(parser.lastEventId()).isEqualTo("1");
    }

    @Test
    void afterEndOfStreamTheParserReadsANewStreamKeepingOnlyTheLastEventId() {
        feed(parser, "id: 7\ndata: a\n\nevent: x\nid: 8\ndata: lost\ndata: partial");
        parser.endOfStream();
        // Nothing of the discarded event (type, data, id 8, unterminated line) carries over, and the
        // new stream's leading BOM is skipped.
        feed(parser, "\uFEFFdata: b\n\n");
        assertThat(listener.calls).containsExactly(event("message", "a", "7"), event("message", "b", "7"));
        assertThat(parser.lastEventId()).isEqualTo("7");
    }

    @Test
    void aCrAtEndOfStreamDoesNotJoinAnLfStartingTheNextStream() {
        feed(parser, "data: a\r");
        parser.endOfStream();
        // The LF is the first line of the new stream, so the BOM after it is not skipped and makes the
        // field name "\uFEFFdata". Were the LF taken as the end of the old CR, b would be dispatched.
        feed(parser, "\n\uFEFFdata: b\n\n");
        parser.endOfStream();
        assertThat(listener.calls).isEmpty();
    }

    @Test
    void listenerWithOnlyOnEventIgnoresRetriesAndComments() {
        List<SseMessage> messages = new ArrayList<>();
        SseParser lambdaParser = new SseParser(messages::add);
        feed(lambdaParser, "retry: 10\n: hi\ndata: a\n\n");
        assertThat(messages).containsExactly(new SseMessage("message", "a", ""));
    }

    @Test
    void anExceptionFromTheListenerPropagatesAndLeavesNoPendingEvent() {
        List<SseMessage> messages = new ArrayList<>();
        SseParser throwingOnce = new SseParser(m -> {
            if (messages.isEmpty()) {
                messages.add(m);
                throw new IllegalStateException("listener failed");
            }
            messages.add(m);
        });
        assertThatThrownBy(() -> feed(throwingOnce, "event: x\ndata: a\n\n")).hasMessage("listener failed");
        feed(throwingOnce, "data: b\n\n");
        assertThat(messages).containsExactly(new SseMessage("x", "a", ""), new SseMessage("message", "b", ""));
    }

    @Test
    void feedRejectsARangeOutsideTheArray() {
        byte[] bytes = new byte[4];
        assertThatThrownBy(() -> parser.feed(bytes, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> parser.feed(bytes, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> parser.feed(bytes, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void feedingAByteBufferConsumesAllItsRemainingBytes() {
        ByteBuffer heap = ByteBuffer.wrap("xxdata: a\n\nyy".getBytes(UTF_8), 2, 9);
        ByteBuffer readOnly = ByteBuffer.wrap("data: b\n\n".getBytes(UTF_8)).asReadOnlyBuffer();
        ByteBuffer direct =
                ByteBuffer.allocateDirect(16).put("data: c\n\n".getBytes(UTF_8)).flip();
        for (ByteBuffer buffer : List.of(heap, readOnly, direct)) {
            int limit = buffer.limit();
            parser.feed(buffer);
            assertThat(buffer.position()).isEqualTo(limit);
        }
        assertThat(listener.calls)
                .containsExactly(event("message", "a", ""), event("message", "b", ""), event("message", "c", ""));
    }

    @Test
    void aDirectBufferLargerThanTheCopyChunkIsParsedWhole() {
        String data = "x".repeat(50_000);
        ByteBuffer direct = ByteBuffer.allocateDirect(60_000)
                .put(("data: " + data + "\n\n").getBytes(UTF_8))
                .flip();
        parser.feed(direct);
        assertThat(listener.calls).containsExactly(event("message", data, ""));
    }

    @Test
    void constructorRejectsANullListenerAndANonPositiveLimit() {
        assertThatNullPointerException().isThrownBy(() -> new SseParser(null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SseParser(m -> {}, 0))
                .withMessageContaining("maxEventBytes");
        assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(m -> {}, -1));
    }

    @Test
    void messageRejectsNullComponents() {
        assertThatNullPointerException().isThrownBy(() -> new SseMessage(null, "", ""));
        assertThatNullPointerException().isThrownBy(() -> new SseMessage("message", null, ""));
        assertThatNullPointerException().isThrownBy(() -> new SseMessage("message", "", null));
    }

    @Test
    void defaultLimitIsOneMebibyte() {
        assertThat(SseParser.DEFAULT_MAX_EVENT_BYTES).isEqualTo(1024 * 1024);
        String data = "x".repeat(SseParser.DEFAULT_MAX_EVENT_BYTES);
        feed(parser, "data:" + data.substring(5) + "\ndata:" + "\n\n");
        assertThat(listener.calls).hasSize(1);
        assertThatThrownBy(() -> feed(parser, "data:" + data + "\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE line exceeds 1048576 bytes (SseParser maxEventBytes)");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLineUpToTheLimitIsAccepted(boolean byteAtATime) {
        SseParser limited = new SseParser(listener, 10);
        String stream = "data:12345\n: 3456789\n\n";
        if (byteAtATime) {
            feedByteAtATime(limited, stream);
        } else {
            feed(limited, stream);
        }
        assertThat(listener.calls).containsExactly("comment \"3456789\"", event("message", "12345", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:123456\n", "data:123456", ": 345678901", "xxxxxxxxxxxxxxxxxxxxxxxx"})
    void aLineOverTheLimitThrowsTerminatedOrNot(String line) {
        SseParser whole = new SseParser(listener, 10);
        assertThatThrownBy(() -> feed(whole, line))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE line exceeds 10 bytes (SseParser maxEventBytes)");
        SseParser split = new SseParser(listener, 10);
        assertThatThrownBy(() -> feedByteAtATime(split, line)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eventDataUpToTheLimitIsAccepted() {
        SseParser limited = new SseParser(listener, 10);
        feed(limited, "data: 1234\ndata\ndata: 5678\n\n"); // "1234\n\n5678": 10 bytes
        assertThat(listener.calls).containsExactly(event("message", "1234\n\n5678", ""));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eventDataOverTheLimitThrows(boolean byteAtATime) {
        SseParser limited = new SseParser(listener, 10);
        String stream = "data:12345\ndata:67890\n"; // lines of 10 bytes, data "12345\n67890" of 11
        assertThatThrownBy(() -> {
                    if (byteAtATime) {
                        feedByteAtATime(limited, stream);
                    } else {
                        feed(limited, stream);
                    }
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SSE event data exceeds 10 bytes (SseParser maxEventBytes)");
    }

    @Test
    void theDataLimitAppliesPerEvent() {
        SseParser limited = new SseParser(listener, 10);
        feed(limited, "data:12345\ndata:6789\n\n".repeat(5)); // "12345\n6789": 10 bytes each
        assertThat(listener.calls).hasSize(5);
    }

    @Test
    void randomEventsInRandomChunksAreParsedExactly() {
        Random random = new Random(42);
        String[] endings = {"\n", "\r", "\r\n"};
        String[] alphabet = {"a", "Z", "0", " ", ":", "é", "€", "😀", "\t", "\uFEFF"};
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        String lastId = "";
        for (int e = 0; e < 300; e++) {
            String ending = endings[random.nextInt(endings.length)];
            String type = random.nextBoolean() ? "message" : "type" + e;
            if (!type.equals("message")) {
                stream.append("event:").append(type).append(ending);
            }
            if (random.nextInt(4) == 0) {
                lastId = "id-" + e;
                stream.append("id: ").append(lastId).append(ending);
            }
            List<String> lines = new ArrayList<>();
            for (int l = random.nextInt(4); l >= 0; l--) {
                StringBuilder value = new StringBuilder();
                for (int c = random.nextInt(random.nextInt(10) == 0 ? 3000 : 30); c > 0; c--) {
                    value.append(alphabet[random.nextInt(alphabet.length)]);
                }
                lines.add(value.toString());
                stream.append("data: ").append(value).append(ending);
            }
            stream.append(ending);
            expected.add(event(type, String.join("\n", lines), lastId));
        }
        byte[] bytes = stream.toString().getBytes(UTF_8);
        for (int round = 0; round < 5; round++) {
            RecordingListener recorder = new RecordingListener();
            SseParser chunked = new SseParser(recorder);
            for (int i = 0; i < bytes.length; ) {
                int n = Math.min(bytes.length - i, random.nextInt(round == 0 ? 4 : 600));
                chunked.feed(bytes, i, n);
                i += n;
            }
            chunked.endOfStream();
            assertThat(recorder.calls).containsExactlyElementsOf(expected);
            assertThat(chunked.lastEventId()).isEqualTo(lastId);
        }
    }
}
