package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void readsTheServersControlEvents() {
        Map<String, Object> connected = Json.object(
                "{\"connectionId\":\"0vQ-x_\",\"channels\":[\"jobs\",\"pending-changes\"],\"heartbeatSeconds\":0.25}");

        assertThat(Json.string(connected, "connectionId")).isEqualTo("0vQ-x_");
        assertThat(Json.strings(connected, "channels")).containsExactly("jobs", "pending-changes");
        assertThat(Json.number(connected, "heartbeatSeconds")).isEqualByComparingTo("0.25");
    }

    @Test
    void decodesEveryEscape() {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""))
                .isEqualTo("a\"b\\c/d\b\f\n\r\té😀");
    }

    @Test
    void readsEveryKindOfValueWithWhitespaceAnywhere() {
        Object value = Json.parse(" { \"a\" : [ 1 , -2.5e3 , true , false , null , { } , [ ] ] } ");

        assertThat(value).isEqualTo(Map.of("a", Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"),
                true, false, null, Map.of(), List.of())));
    }

    @Test
    void accessorsGiveNullForMissingOrMistypedMembers() {
        Map<String, Object> object = Json.object("{\"s\":1,\"n\":\"1\",\"list\":[\"a\",2]}");

        assertThat(Json.string(object, "s")).isNull();
        assertThat(Json.number(object, "n")).isNull();
        assertThat(Json.strings(object, "list")).isNull();
        assertThat(Json.strings(object, "missing")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":}", "{a:1}", "[1,]", "\"open", "01", "1.", "-", "1e",
            "tru", "{\"a\":1}x", "\"\\x\"", "\"\\u12\"", "\"tab\there\""})
    void rejectsMalformedJson(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON at ");
    }

    @Test
    void rejectsNestingBeyondTheLimit() {
        assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
                .hasMessageContaining("nested deeper than 64");
    }

    @Test
    void objectRejectsOtherValues() {
        assertThatThrownBy(() -> Json.object("[1]")).hasMessage("not a JSON object: [1]");
    }

    @Test
    void quotesWhatItWritesSoThatItReadsItBack() {
        String nasty = "a\"b\\c\nd\u0001é";

        assertThat(Json.quote(nasty)).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001é\"");
        assertThat(Json.parse(Json.quote(nasty))).isEqualTo(nasty);
        assertThat(Json.array(List.of("jobs", "x"))).isEqualTo("[\"jobs\",\"x\"]");
        assertThat(Json.array(List.of())).isEqualTo("[]");
    }
}
