package io.ssemux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    @Test
    void withOneStreamTheCursorIsThatStreamsIdAsRedisWritesIt() {
        Cursor cursor = Cursor.of(new StreamId(1732841234567L, 3));

        assertThat(cursor.encode()).isEqualTo("1732841234567-3");
        assertThat(Cursor.parse("1732841234567-3", 1)).isEqualTo(cursor);
        assertThat(Cursor.start(1).encode()).isEqualTo("0-0");
    }

    @Test
    void withSeveralStreamsItIsTheNewestMillisecondAndHowFarEachStreamIsBehind() {
        Cursor cursor = Cursor.of(
                new StreamId(1732841234567L, 0),
                new StreamId(1732841234563L, 1),
                new StreamId(1732841234567L, 40),
                StreamId.ZERO);

        String text = cursor.encode();

        assertThat(text)
                .isEqualTo(Long.toString(1732841234567L, 36) + ".0.4-1.0-14." + Long.toString(1732841234567L, 36));
        assertThat(Cursor.parse(text, 4)).isEqualTo(cursor);
    }

    @Test
    void sixteenStreamsSecondsApartFitInAboutAHundredCharacters() {
        Cursor cursor = Cursor.start(16);
        for (int i = 0; i < 16; i++) {
            cursor = cursor.with(i, new StreamId(1732841234567L - i * 3_000L, i % 3));
        }

        assertThat(cursor.encode()).hasSizeLessThan(110).matches("[0-9a-z.-]+");
        assertThat(Cursor.parse(cursor.encode(), 16)).isEqualTo(cursor);
    }

    @Test
    void aCursorReachesAnotherWhenItIsAtOrPastItInEveryStream() {
        Cursor a = Cursor.of(new StreamId(10, 0), new StreamId(20, 1));

        assertThat(a.reaches(Cursor.of(new StreamId(10, 0), new StreamId(20, 1))))
                .isTrue();
        assertThat(a.reaches(Cursor.of(new StreamId(9, 5), new StreamId(20, 0))))
                .isTrue();
        assertThat(a.reaches(Cursor.of(new StreamId(10, 1), new StreamId(1, 0))))
                .isFalse();
        assertThat(a.reaches(Cursor.start(2))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "1795823131000000", // a single server's id
                "-1",
                "1-",
                "a-1",
                "1-1-1",
                "99999999999999999999-0",
                "1\r\n-0",
                "١٢-٣" // digits, but not ASCII ones
            })
    void anythingButAStreamIdIsNoCursorOfOneStream(String text) {
        assertThat(Cursor.parse(text, 1)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1732841234567-0", // one stream's
                "abc.0.0", // two streams, not three
                "abc.0.0.0.0",
                "ABC.0.0.0",
                "abc.0.0.zzz", // behind by more than the newest
                "abc.0-0.0.0", // a sequence of 0 is not written
                "abc..0.0",
                "abc.0.0.٣"
            })
    void anythingButACursorOfThreeStreamsIsNoneOfThem(String text) {
        assertThat(Cursor.parse(text, 3)).isNull();
    }

    @Test
    void aTooLongTextIsRefusedBeforeItIsRead() {
        assertThat(Cursor.parse("a." + "0.".repeat(5000) + "0", 5002)).isNull();
    }
}
