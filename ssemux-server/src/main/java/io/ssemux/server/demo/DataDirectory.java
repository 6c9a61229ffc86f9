package io.ssemux.server.demo;

import io.ssemux.core.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where the demo keeps its files: {@code <root>/projects/<folder>/…}, and uploads waiting for their
 * job in {@code <root>/incoming}. Every path it hands out or writes is checked to lie inside the
 * root, and every write is atomic. Any thread.
 */
final class DataDirectory {
    private final Path root;
    private final Path projects;
    private final Path incoming;

    DataDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.projects = this.root.resolve("projects");
        this.incoming = this.root.resolve("incoming");
    }

    /**
     * Makes the directories, and deletes the uploads a previous run left waiting (their jobs are
     * gone with it).
     */
    void open() throws IOException {
        Files.createDirectories(projects);
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

    Path root() {
        return root;
    }

    /** The directory of a project folder (which may not exist yet). */
    Path project(ProjectFolder folder) {
        return inside(projects.resolve(folder.name()));
    }

    /**
     * Writes {@code bytes} to {@code target}: to a temporary file in the same directory, flushed to
     * the disk, then renamed over the target in one atomic step. A reader sees the old file or the
     * new one, never a part, and a crash leaves no half-written target.
     */
    void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path file = inside(target);
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private Path inside(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        if (!normal.startsWith(projects) || normal.equals(projects)) {
            throw new IllegalArgumentException(
                    "path " + Names.quote(path.toString()) + ": outside " + projects + " (expected: a project's file)");
        }
        return normal;
    }
}
