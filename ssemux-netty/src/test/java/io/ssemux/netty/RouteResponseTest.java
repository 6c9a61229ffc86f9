package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RouteResponseTest {
    @Test
    void keepsItsBodyWhateverHappensToTheArraysGivenAndRead() {
        byte[] given = "abc".getBytes(StandardCharsets.US_ASCII);
        RouteResponse response = RouteResponse.of(200, "text/plain", given);

        given[0] = 'x';
        response.body()[1] = 'y';

        assertThat(new String(response.body(), StandardCharsets.US_ASCII)).isEqualTo("abc");
    }

    @Test
    void answersWithTheSameContentAreEqual() {
        RouteResponse a = RouteResponse.json(200, "{}").withHeader("Cache-Control", "no-cache");
        RouteResponse b = RouteResponse.json(200, "{}").withHeader("Cache-Control", "no-cache");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(RouteResponse.json(200, "[]"));
        assertThat(a.toString()).contains("body=2 bytes");
    }

    @Test
    void refusesAStatusOutOfRangeSayingWhatWasExpected() {
        assertThatThrownBy(() -> RouteResponse.json(99, "{}")).hasMessage("status: 99 (expected: 100-599)");
    }
}
