package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectFolderTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "holiday",
                "Project_2024-06",
                "a",
                "x123456789012345678901234567890123456789012345678901234567890123"
            })
    void takesLettersDigitsDashesAndUnderscoresUpTo64(String name) {
        ProjectFolder folder = new ProjectFolder(name);

        assertThat(new DataDirectory(root).project(folder))
                .isEqualTo(root.resolve("projects").resolve(name));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "..",
                ".",
                "../x",
                "..\\x",
                "a/b",
                "/etc",
                "/",
                "C:\\x",
                "C:",
                "%2e%2e",
                "a b",
                "été",
                ".hidden",
                "x1234567890123456789012345678901234567890123456789012345678901234",
                "a\u0000b",
                "a\nb"
            })
    void refusesAnythingThatCouldLeadElsewhere(String name) {
        assertThatThrownBy(() -> new ProjectFolder(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(": invalid name (expected: [A-Za-z0-9_-]{1,64})");
    }

    @Test
    void quotesTheRefusedNameSafely() {
        assertThatThrownBy(() -> new ProjectFolder("../\n\"x"))
                .hasMessageStartingWith("project folder '../\\u000a\"x': invalid name");
    }

    @Test
    void dataDirectoryRefusesToWriteOutsideTheProjects() {
        DataDirectory data = new DataDirectory(root);

        assertThatThrownBy(() -> data.writeAtomically(root.resolve("projects/../escape.txt"), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
        assertThat(root.resolve("escape.txt")).doesNotExist();
    }
}
