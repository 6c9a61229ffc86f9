package io.ssemux.examples.photojobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the example keeps its files, under {@code photo-jobs.data-dir}: each user's project folders,
 * {@code users/<user>/<folder>/} with {@code photos/}, {@code thumbnails/} and {@code manifest.json},
 * and the uploads waiting for their job in {@code incoming/}. Every file appears whole, by an atomic
 * rename. Thread-safe: manifest updates are serialized, so concurrent jobs keep each other's photos.
 */
@Component
final class Storage {
    /** A photo in its folder's manifest. */
    record Photo(
            String id,
            @JsonProperty("file_name") String fileName,
            String photo,
            String thumbnail,
            int width,
            int height,
            long bytes) {}

    /** A folder's {@code manifest.json}. */
    record Manifest(@JsonProperty("project_folder") String projectFolder, String updated, List<Photo> photos) {}

    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    private final Path users;
    private final Path incoming;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();

    /** Makes the directories, and deletes the uploads a previous run left waiting (their jobs are gone). */
    Storage(PhotoJobsProperties properties, JsonMapper json) throws IOException {
        Path root = properties.dataDir().toAbsolutePath().normalize();
        this.users = root.resolve("users");
        this.incoming = root.resolve("incoming");
        this.json = json;
        Files.createDirectories(incoming);
        try (DirectoryStream<Path> left = Files.newDirectoryStream(incoming)) {
            for (Path file : left) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A new empty file for an upload waiting for its job, which then owns it. */
    Path newIncomingFile() throws IOException {
        return Files.createTempFile(incoming, "upload-", ".part");
    }

    /** Deletes {@code file}, if any; one that cannot be goes with the incoming folder at the next start. */
    void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", file, e.toString());
        }
    }

    /**
     * The directory of a user's project folder, which may not exist yet.
     *
     * @throws IllegalArgumentException when a name would lead elsewhere ({@link PhotoController} lets
     *     no such name through)
     */
    Path project(String user, String folder) {
        Path project = users.resolve(user).resolve(folder).normalize();
        if (!project.startsWith(users) || project.getNameCount() != users.getNameCount() + 2) {
            throw new IllegalArgumentException("project " + user + "/" + folder + ": outside " + users);
        }
        return project;
    }

    /** Moves {@code file} to {@code target} in one step. */
    void move(Path file, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code bytes} to {@code target}: to a temporary file beside it, then renamed over it. */
    void write(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Adds {@code photo} to the manifest of {@code project}, creating it when needed.
     *
     * @return the manifest's new {@code updated} time (ISO-8601, UTC)
     */
    synchronized String addToManifest(Path project, String folder, Photo photo) throws IOException {
        Path file = project.resolve("manifest.json");
        List<Photo> photos = new ArrayList<>();
        try {
            photos.addAll(
                    json.readValue(Files.readAllBytes(file), Manifest.class).photos());
        } catch (NoSuchFileException e) {
            // the folder's first photo
        }
        photos.add(photo);
        String updated = clock.instant().toString();
        write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Manifest(folder, updated, photos)));
        return updated;
    }
}
