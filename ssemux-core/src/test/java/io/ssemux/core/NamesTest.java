package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"jobs", "pending-changes", "a", "user:42.photos_v2", "ALL-CAPS"})
    void acceptsNamesOfTheGrammar(String name) {
        assertThat(Names.isValid(name)).isTrue();
        assertThat(Names.checkPublishable(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "jobs\n", "jobs\r\nevent: forged", "nul\0", "é", "a/b", "quote\"", "comma,"})
    void rejectsNamesOutsideTheGrammar(String name) {
        assertThat(Names.isValid(name)).isFalse();
        assertThatThrownBy(() -> Names.checkSubscribable(name))
                .isInstanceOf(SsemuxException.class)
                .hasMessageContaining("invalid name")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\r");
    }

    @Test
    void rejectsNamesLongerThan128() {
        assertThat(Names.isValid("x".repeat(128))).isTrue();
        assertThat(Names.isValid("x".repeat(129))).isFalse();
    }

    @Test
    void allMaySubscribeButNotBePublishedTo() {
        assertThat(Names.checkSubscribable("all")).isEqualTo("all");
        assertThatThrownBy(() -> Names.checkPublishable("all")).hasMessageContaining("reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connected", "evicted", "reset", "message"})
    void reservesTheServersEventTypes(String type) {
        assertThatThrownBy(() -> Names.checkEventType(type)).hasMessageContaining("reserved for the server");
    }

    @Test
    void rejectsUserIdsWithSpacesOrControlCharacters() {
        assertThat(Names.checkUser("alice@example.com")).isEqualTo("alice@example.com");
        assertThatThrownBy(() -> Names.checkUser("al ice")).isInstanceOf(SsemuxException.class);
        assertThatThrownBy(() -> Names.checkUser("alice\r\n")).isInstanceOf(SsemuxException.class);
        assertThatThrownBy(() -> Names.checkUser("")).isInstanceOf(SsemuxException.class);
    }
}
