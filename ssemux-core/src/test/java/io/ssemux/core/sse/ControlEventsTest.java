package io.ssemux.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Event;
import io.ssemux.core.Format;
import io.ssemux.core.spi.EncodedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlEventsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"id\":42,\"status\":\"done\"}",
                "[1, 2 ,3]",
                "\"}\"",
                "null",
                "12.5",
                "{\"channel\":\"other\",\"data\":{}}",
                "{\"nested\":{\"data\":\"}\\\"\"}}",
                "{\n  \"pretty\": true\n}",
                "1e99999999999"
            })
    void givesBackThePublishersDataExactlyAsTheServerWrapsIt(String data) {
        // The server's own encoder, and the project's parser, as on the wire.
        EncodedEvent encoded = EncodedEvent.of(new Event("7", "pending-changes", "manifest_changed", data));
        List<SseMessage> messages = new ArrayList<>();
        new SseParser(messages::add)
                .feed(encoded.frame(Format.ENVELOPE).asByteBuffer().duplicate());

        ControlEvents.Envelope envelope =
                ControlEvents.Envelope.parse(messages.get(0).data());

        assertThat(envelope).isEqualTo(new ControlEvents.Envelope("pending-changes", "manifest_changed", data));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"id\":1}",
                "{\"channel\":\"jobs\"}",
                "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":}",
                "{\"channel\":\"a b\",\"type\":\"t\",\"data\":1}",
                "{\"channel\":\"\",\"type\":\"t\",\"data\":1}",
                "{\"channel\":\"jobs\",\"type\":\"\",\"data\":1}",
                "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1,\"x\":2}",
                "{\"channel\":\"jobs\",\"data\":1}",
                "{\"channel\":1,\"type\":\"t\",\"data\":1}",
                "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1",
                "plain text"
            })
    void isNullForAnythingElse(String text) {
        assertThat(ControlEvents.Envelope.parse(text)).isNull();
    }

    @Test
    void readsAnEnvelopeWhoseDataIsNestedAsDeepAsAPublisherMay() {
        // The server takes data as deep as Jackson reads it (1,000 levels); a client must not drop it.
        String data = "[".repeat(999) + "]".repeat(999);

        assertThat(ControlEvents.Envelope.parse(new ControlEvents.Envelope("jobs", "t", data).toJson()))
                .isEqualTo(new ControlEvents.Envelope("jobs", "t", data));
    }

    @Test
    void readsAnEnvelopeWhateverItsWhitespaceAndMemberOrder() {
        assertThat(ControlEvents.Envelope.parse("{ \"type\":\"t\", \"channel\":\"jobs\" ,\"data\": 1.10 }"))
                .isEqualTo(new ControlEvents.Envelope("jobs", "t", "1.10"));
    }

    @Test
    void connectedIsWrittenWithSortedChannelsAndReadBack() {
        ControlEvents.Connected connected =
                new ControlEvents.Connected("0vQ-x_", List.of("pending-changes", "jobs"), Duration.ofMillis(250));

        assertThat(connected.toJson())
                .isEqualTo(
                        "{\"connectionId\":\"0vQ-x_\",\"channels\":[\"jobs\",\"pending-changes\"],\"heartbeatSeconds\":0.25}");
        assertThat(ControlEvents.Connected.parse(connected.toJson()))
                .isEqualTo(new ControlEvents.Connected(
                        "0vQ-x_", List.of("jobs", "pending-changes"), Duration.ofMillis(250)));
        assertThat(new ControlEvents.Connected("c", List.of(), Duration.ofSeconds(30)).toJson())
                .isEqualTo("{\"connectionId\":\"c\",\"channels\":[],\"heartbeatSeconds\":30}");
    }

    @Test
    void resetQuotesTheClientsIdSoNoInputBreaksItsJson() {
        ControlEvents.Reset reset = new ControlEvents.Reset("unknown_id", "a\"b\\c\u2028");

        assertThat(reset.toJson()).isEqualTo("{\"reason\":\"unknown_id\",\"lastEventId\":\"a\\\"b\\\\c\\u2028\"}");
        assertThat(ControlEvents.Reset.parse(reset.toJson())).isEqualTo(reset);
    }

    @Test
    void evictedSaysWhyAndTheLimit() {
        ControlEvents.Evicted evicted = ControlEvents.Evicted.tooManyConnections(6);

        assertThat(evicted.toJson()).isEqualTo("{\"reason\":\"too_many_connections\",\"limit\":6}");
        assertThat(ControlEvents.Evicted.parse(evicted.toJson())).isEqualTo(evicted);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"connectionId\":\"c\",\"channels\":[],\"heartbeatSeconds\":0}",
                "{\"connectionId\":1,\"channels\":[],\"heartbeatSeconds\":1}",
                "[]",
                "nope"
            })
    void connectedRefusesWhatIsNotOne(String json) {
        assertThatThrownBy(() -> ControlEvents.Connected.parse(json)).isInstanceOf(IllegalArgumentException.class);
    }
}
