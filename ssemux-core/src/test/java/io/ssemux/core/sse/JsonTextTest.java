package io.ssemux.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {

    @Test
    void readsTheServersControlEvents() {
        Map<String, Object> connected = JsonText.object(
                "{\"connectionId\":\"0vQ-x_\",\"channels\":[\"jobs\",\"pending-changes\"],\"heartbeatSeconds\":0.25}");

        assertThat(JsonText.string(connected, "connectionId")).isEqualTo("0vQ-x_");
        assertThat(JsonText.strings(connected, "channels")).containsExactly("jobs", "pending-changes");
        assertThat(JsonText.number(connected, "heartbeatSeconds")).isEqualByComparingTo("0.25");
    }

    @Test
    void decodesEveryEscape() {
        assertThat(JsonText.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""))
                .isEqualTo("a\"b\\c/d\b\f\n\r\té😀");
    }

    @Test
    void readsEveryKindOfValueWithWhitespaceAnywhere() {
        Object value = JsonText.parse(" { \"a\" : [ 1 , -2.5e3 , true , false , null , { } , [ ] ] } ");

        assertThat(value)
                .isEqualTo(Map.of(
                        "a",
                        Arrays.asList(
                                new BigDecimal("1"),
                                new BigDecimal("-2.5e3"),
                                true,
                                false,
                                null,
                                Map.of(),
                                List.of())));
    }

    @Test
    void accessorsGiveNullForMissingOrMistypedMembers() {
        Map<String, Object> object = JsonText.object("{\"s\":1,\"n\":\"1\",\"list\":[\"a\",2]}");

        assertThat(JsonText.string(object, "s")).isNull();
        assertThat(JsonText.number(object, "n")).isNull();
        assertThat(JsonText.strings(object, "list")).isNull();
        assertThat(JsonText.strings(object, "missing")).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "{\"a\"}",
                "{\"a\":}",
                "{a:1}",
                "[1,]",
                "\"open",
                "01",
                "1.",
                "-",
                "1e",
                "tru",
                "{\"a\":1}x",
                "\"\\x\"",
                "\"\\u12\"",
                "\"tab\there\""
            })
    void rejectsMalformedJson(String text) {
        assertThatThrownBy(() -> JsonText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON at ");
    }

    @Test
    void rejectsNestingBeyondTheLimit() {
        assertThatThrownBy(() -> JsonText.parse("[".repeat(100) + "]".repeat(100)))
                .hasMessageContaining("nested deeper than 64");
    }

    @Test
    void objectRejectsOtherValues() {
        assertThatThrownBy(() -> JsonText.object("[1]")).hasMessage("not a JSON object: [1]");
    }

    @Test
    void quotesWhatItWritesSoThatItReadsItBack() {
        String nasty = "a\"b\\c\nd\u0001é";

        assertThat(JsonText.quote(nasty)).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001é\"");
        assertThat(JsonText.parse(JsonText.quote(nasty))).isEqualTo(nasty);
        assertThat(JsonText.array(List.of("jobs", "x"))).isEqualTo("[\"jobs\",\"x\"]");
        assertThat(JsonText.array(List.of())).isEqualTo("[]");
    }

    @Test
    void escapesLineAndParagraphSeparatorsSoTheLiteralIsValidJavaScript() {
        assertThat(JsonText.quote("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
        assertThat(JsonText.parse(JsonText.quote("a\u2028b\u2029c"))).isEqualTo("a\u2028b\u2029c");
    }

    @Test
    void rawMembersKeepTheExactTextOfEachValue() {
        assertThat(JsonText.rawMembers("{ \"a\" : 1.10 , \"b\":\"x\\u0041\",\"c\":{\"n\": [1E2]} }"))
                .containsExactly(entry("a", "1.10"), entry("b", "\"x\\u0041\""), entry("c", "{\"n\": [1E2]}"));
    }

    @Test
    void rawMembersKeepValuesOfAnyDepthAndAnyNumberAPublisherMaySend() {
        String deep = "[".repeat(1_000) + "{\"a\":[1,{}]}" + "]".repeat(1_000);
        String huge = "1e99999999999";

        assertThat(JsonText.rawMembers("{\"deep\":" + deep + ",\"huge\":" + huge + "}"))
                .containsExactly(entry("deep", deep), entry("huge", huge));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\":[1,]}",
                "{\"a\":[[1]}",
                "{\"a\":{\"b\"}}",
                "{\"a\":{\"b\":1,}}",
                "{\"a\":[}",
                "{\"a\":{1:2}}",
                "{\"a\":[01]}",
                "{\"a\":[tru]}"
            })
    void rawMembersCheckTheValuesTheyDoNotRead(String text) {
        assertThatThrownBy(() -> JsonText.rawMembers(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON at ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "{\"a\":}", "{\"a\":1", "{\"a\":1} x", "", "1"})
    void rawMembersRejectWhatIsNotOneObject(String text) {
        assertThatThrownBy(() -> JsonText.rawMembers(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
