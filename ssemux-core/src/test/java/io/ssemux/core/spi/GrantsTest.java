package io.ssemux.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrantsTest {

    @Test
    void exactPatternsMatchOnlyTheirChannel() {
        Grants grants = new Grants(List.of("jobs"), List.of("jobs"), false);

        assertThat(grants.maySubscribe("alice", "jobs")).isTrue();
        assertThat(grants.maySubscribe("alice", "jobs2")).isFalse();
        assertThat(grants.mayPublish("jobs")).isTrue();
        assertThat(grants.mayPublish("job")).isFalse();
    }

    @Test
    void prefixPatternsMatchEveryChannelThatStartsSo() {
        Grants grants = new Grants(List.of("project:acme:*"), List.of(), false);

        assertThat(grants.maySubscribe("alice", "project:acme:photos")).isTrue();
        assertThat(grants.maySubscribe("alice", "project:acme:")).isTrue();
        assertThat(grants.maySubscribe("alice", "project:other:photos")).isFalse();
        assertThat(grants.mayPublish("project:acme:photos")).isFalse();
    }

    @Test
    void everyUserReadsTheirOwnPrivateChannelAndNoOtherWhateverThePatterns() {
        Grants grants = new Grants(List.of("*", "user:*", "user:bob"), List.of(), false);

        assertThat(grants.maySubscribe("alice", "user:alice")).isTrue();
        assertThat(grants.maySubscribe("alice", "user:bob")).isFalse();
        assertThat(Grants.none().maySubscribe("alice", "user:alice")).isTrue();
        assertThat(Grants.none().maySubscribe("alice", "jobs")).isFalse();
    }

    @Test
    void anAdminReadsPrivateChannelsToo() {
        assertThat(new Grants(List.of(), List.of(), true).maySubscribe("root", "user:bob"))
                .isTrue();
    }

    @Test
    void allGrantsEveryChannelButOtherUsersPrivateOnes() {
        assertThat(Grants.all().maySubscribe("alice", "jobs")).isTrue();
        assertThat(Grants.all().mayPublish("user:bob")).isTrue();
        assertThat(Grants.all().maySubscribe("alice", "user:bob")).isFalse();
        assertThat(Grants.all().admin()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "**", "a*b", "jobs\n", "user:a/b"})
    void refusesMalformedPatterns(String pattern) {
        assertThatThrownBy(() -> new Grants(List.of(pattern), List.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("invalid (expected: a channel name, or a prefix of one ending in *)");
    }
}
