package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Hub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestServiceTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path root;

    private final Hub hub = Hub.builder().build();
    private final HubEvents events = HubEvents.of(hub, "alice");
    private final HubEvents others = HubEvents.of(hub, "bob");

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void addsAPhotoToTheManifestAndPublishesManifestChangedOnTheGivenChannel() throws Exception {
        ManifestService manifest = new ManifestService(new DataDirectory(root), hub, Clock.fixed(NOW, ZoneOffset.UTC));
        ProjectFolder folder = new ProjectFolder("holiday");

        String timestamp = manifest.addPhoto(folder, Map.of("id", "a1"), "user:alice");
        manifest.addPhoto(folder, Map.of("id", "b2"), "user:alice");

        assertThat(timestamp).isEqualTo("2026-06-01T12:00:00Z");
        JsonNode onDisk = HubEvents.json(Files.readString(root.resolve("projects/holiday/manifest.json")));
        assertThat(onDisk.get("project_folder").asText()).isEqualTo("holiday");
        assertThat(onDisk.get("updated").asText()).isEqualTo(timestamp);
        assertThat(onDisk.get("photos").findValuesAsText("id")).containsExactly("a1", "b2");
        JsonNode changed = events.next("manifest_changed");
        assertThat(changed.toString())
                .isEqualTo("{\"project_folder\":\"holiday\",\"timestamp\":\"2026-06-01T12:00:00Z\"}");
        assertThat(events.next("manifest_changed").get("project_folder").asText())
                .isEqualTo("holiday");
        assertThat(others.received()).as("another user hears nothing").isEmpty();
    }

    @Test
    void concurrentUpdatesLoseNoEntryAndReadersNeverSeeAPartialFile() throws Exception {
        ManifestService manifest = new ManifestService(new DataDirectory(root), hub, Clock.systemUTC());
        ProjectFolder folder = new ProjectFolder("busy");
        Path file = root.resolve("projects/busy/manifest.json");
        int writers = 4;
        int photosEach = 50;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<String> unreadable = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);

        ExecutorService threads = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> reader = threads.submit(() -> {
                start.await();
                // Reads as fast as it can while the writers replace the file, and once more after.
                while (writing.get() || reads.get() == 0) {
                    try {
                        HubEvents.json(Files.readString(file));
                        reads.incrementAndGet();
                    } catch (NoSuchFileException e) {
                        // Not written yet.
                    } catch (RuntimeException e) {
                        unreadable.add(e.getMessage());
                    }
                }
                return null;
            });
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writes.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < photosEach; i++) {
                        manifest.addPhoto(folder, Map.of("id", writer + "-" + i), "user:alice");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> write : writes) {
                write.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(unreadable).isEmpty();
        assertThat(reads).hasPositiveValue();
        assertThat(manifest.read(folder).get("photos")).hasSize(writers * photosEach);
        assertThat(filesIn(root.resolve("projects/busy"))).containsExactly("manifest.json"); // no temporary file left
    }

    @Test
    void readsAnEmptyManifestForANewFolder() throws IOException {
        ManifestService manifest = new ManifestService(new DataDirectory(root), hub, Clock.systemUTC());

        assertThat(manifest.read(new ProjectFolder("new")).toString())
                .isEqualTo("{\"project_folder\":\"new\",\"photos\":[]}");
        assertThat(root.resolve("projects/new")).doesNotExist();
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
