package io.ssemux.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.SsemuxException;
import org.junit.jupiter.api.Test;

class QueryStringTest {

    @Test
    void decodesRepeatedParametersInOrderAsUtf8() {
        QueryString query = QueryString.parse("channels=jobs&channels=user%3Aal%C3%AFce&format=plain&flag");

        assertThat(query.values("channels")).containsExactly("jobs", "user:alïce");
        assertThat(query.first("format")).isEqualTo("plain");
        assertThat(query.first("flag")).isEmpty();
        assertThat(query.values("absent")).isEmpty();
        assertThat(query.first("absent")).isNull();
    }

    @Test
    void aPlusIsASpaceAndEmptyPairsAreSkipped() {
        QueryString query = QueryString.parse("&user=a+b&&");

        assertThat(query.first("user")).isEqualTo("a b");
    }

    @Test
    void aMalformedPercentEncodingIsABadRequest() {
        assertThatThrownBy(() -> QueryString.parse("channels=%zz"))
                .isInstanceOf(SsemuxException.class)
                .hasMessageContaining("malformed percent-encoding")
                .extracting(e -> ((SsemuxException) e).kind())
                .isEqualTo(SsemuxException.Kind.BAD_REQUEST);
    }

    @Test
    void noQueryHasNoParameters() {
        assertThat(QueryString.parse(null).values("channels")).isEmpty();
        assertThat(QueryString.parse("").first("channels")).isNull();
    }
}
