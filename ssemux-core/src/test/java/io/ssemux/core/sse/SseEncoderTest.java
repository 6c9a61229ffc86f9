package io.ssemux.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SseEncoderTest {

    @Test
    void writesIdEventAndDataThenABlankLine() {
        assertThat(SseEncoder.event("7", "job_completed", "{\"id\":1}").toString())
                .isEqualTo("id: 7\nevent: job_completed\ndata: {\"id\":1}\n\n");
    }

    @Test
    void omitsIdWhenNull() {
        assertThat(SseEncoder.event(null, "connected", "{}").toString()).isEqualTo("event: connected\ndata: {}\n\n");
    }

    @Test
    void omitsTheEventLineWhenTheTypeIsNull() {
        assertThat(SseEncoder.event("3", null, "{}").toString()).isEqualTo("id: 3\ndata: {}\n\n");
    }

    @Test
    void splitsMultiLineDataOnLfCrAndCrlf() {
        assertThat(SseEncoder.event("1", "t", "{\n\"a\":1,\r\n\"b\":2\r}").toString())
                .isEqualTo("id: 1\nevent: t\ndata: {\ndata: \"a\":1,\ndata: \"b\":2\ndata: }\n\n");
    }

    @Test
    void keepsEmptyLinesOfDataAsEmptyDataFields() {
        assertThat(SseEncoder.event("1", "t", "a\n\nb\n").toString())
                .isEqualTo("id: 1\nevent: t\ndata: a\ndata: \ndata: b\ndata: \n\n");
    }

    @Test
    void refusesLineBreaksOrNulInIdTypeAndComment() {
        assertThatThrownBy(() -> SseEncoder.event("1\nevent: forged", "t", "{}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SseEncoder.event("1", "t\r", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SseEncoder.event("1\0", "t", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SseEncoder.comment("x\n\ndata: forged")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesCommentsAndRetry() {
        assertThat(SseEncoder.comment("heartbeat").toString()).isEqualTo(": heartbeat\n\n");
        assertThat(SseEncoder.appendRetry(new StringBuilder(), 3000).toString()).isEqualTo("retry: 3000\n");
    }

    @Test
    void cachesTheTransportFormOnce() {
        Frame frame = SseEncoder.comment("x");
        Object first = frame.transportForm(bytes -> new Object());
        assertThat(frame.<Object>transportForm(bytes -> new Object())).isSameAs(first);
    }
}
