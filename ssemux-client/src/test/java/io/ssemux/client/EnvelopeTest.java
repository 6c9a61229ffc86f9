package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.EncodedEvent;
import io.ssemux.core.Event;
import io.ssemux.core.Format;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":42,\"status\":\"done\"}", "[1, 2 ,3]", "\"}\"", "null", "12.5",
            "{\"channel\":\"other\",\"data\":{}}", "{\"nested\":{\"data\":\"}\\\"\"}}", "{\n  \"pretty\": true\n}"})
    void givesBackThePublishersDataExactlyAsTheServerWrapsIt(String data) {
        // The server's own encoder, and the project's parser, as on the wire.
        EncodedEvent encoded = EncodedEvent.of(new Event("7", "pending-changes", "manifest_changed", data));
        List<SseMessage> messages = new ArrayList<>();
        new SseParser(messages::add).feed(encoded.frame(Format.ENVELOPE).asByteBuffer().duplicate());

        Envelope envelope = Envelope.parse(messages.get(0).data());

        assertThat(envelope).isEqualTo(new Envelope("pending-changes", "manifest_changed", data));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":1}", "{\"channel\":\"jobs\"}", "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":}",
            "{\"channel\":\"a b\",\"type\":\"t\",\"data\":1}", "{\"channel\":\"\",\"type\":\"t\",\"data\":1}",
            "{\"channel\":\"jobs\",\"type\":\"\",\"data\":1}", "{ \"channel\":\"jobs\",\"type\":\"t\",\"data\":1}",
            "{\"channel\":\"jobs\",\"data\":1}", "{\"type\":\"t\",\"channel\":\"jobs\",\"data\":1}",
            "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1", "plain text"})
    void isNullForAnythingElse(String text) {
        assertThat(Envelope.parse(text)).isNull();
    }
}
