package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ssemux}, the launcher {@code scripts/run} and the distribution use, run on a jar that
 * starts {@link Main} as the shaded jar does: the JVM gets the settings the default limits are
 * sized for, and an operator's {@code JAVA_OPTS} win over them.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("src/main/dist/bin/ssemux");
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    static Path scratch;

    private static Path jar;

    @BeforeAll
    static void writeAJarThatRunsMainOnTheTestClasspath() throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        main.put(
                Attributes.Name.CLASS_PATH,
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator, -1))
                        .map(entry -> Path.of(entry).toUri().toString())
                        .collect(Collectors.joining(" ")));
        jar = scratch.resolve("ssemux-server.jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            new JarOutputStream(out, manifest).finish(); // the manifest is the whole jar
        }
    }

    @Test
    void startsTheServerWithHeapAndDirectMemoryThatHoldTheDefaultLimitsWorstCase() throws Exception {
        try (ServerProcess server = launch(Map.of())) {
            server.awaitPort();
            awaitMemoryLine(server);
            assertThat(server.output())
                    .contains("worst case under these limits: 1397 MiB")
                    .containsPattern("within the JVM's (49\\d|50\\d|51\\d) MiB of heap and 1024 MiB of direct memory")
                    .doesNotContain("more than the JVM's");
        }
    }

    @Test
    void javaOptsComeAfterTheDefaultsSoAnOperatorsFlagWins() throws Exception {
        try (ServerProcess server = launch(Map.of("JAVA_OPTS", "-Xmx128m -XX:MaxDirectMemorySize=256m"))) {
            server.awaitPort();
            awaitMemoryLine(server);
            assertThat(server.output())
                    .containsPattern("more than the JVM's 1\\d\\d MiB of heap and 256 MiB of direct memory")
                    .contains("lower --max-connections or --outbound-limit-bytes");
        }
    }

    @Test
    void anEmptySsemuxJvmDefaultsLeavesTheJvmItsOwnSettings() throws Exception {
        try (ServerProcess server = launch(Map.of("SSEMUX_JVM_DEFAULTS", "", "JAVA_OPTS", "-Xmx300m"))) {
            server.awaitPort();
            awaitMemoryLine(server);
            // Without the launcher's -XX:MaxDirectMemorySize the direct limit is the heap's maximum.
            assertThat(server.output()).containsPattern("JVM's (2[89]\\d|30\\d) MiB of heap and \\1 MiB of direct");
        }
    }

    @Test
    void saysWhereItLookedWhenTheJarIsMissing() throws Exception {
        Map<String, String> env = Map.of(
                "JAVA_HOME",
                JAVA_HOME,
                "SSEMUX_JAR",
                scratch.resolve("none.jar").toString());
        try (ServerProcess missing = ServerProcess.start(List.of(LAUNCHER.toString()), env)) {
            assertThat(missing.awaitExit(Duration.ofSeconds(15))).isEqualTo(2);
            await().atMost(Duration.ofSeconds(15)).until(() -> !missing.output().isEmpty());
            assertThat(missing.output()).contains("ssemux: no server jar at").contains("none.jar (set SSEMUX_JAR)");
        }
    }

    private static void awaitMemoryLine(ServerProcess server) {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.output().contains("MiB of direct memory"));
    }

    private static ServerProcess launch(Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("JAVA_HOME", JAVA_HOME, "SSEMUX_JAR", jar.toString()));
        env.putAll(extraEnv);
        return ServerProcess.start(List.of(LAUNCHER.toString(), "--port", "0", "--no-demo"), env);
    }
}
