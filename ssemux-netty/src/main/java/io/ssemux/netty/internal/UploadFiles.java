package io.ssemux.netty.internal;

import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpDataFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The temporary directory where upload routes' files stream, made on first use and deleted with
 * what is left in it on {@link #close}; and the factory of each upload's parts: in memory up to
 * {@link #MEMORY_THRESHOLD} bytes, past it on disk. Thread-safe.
 */
public final class UploadFiles implements AutoCloseable {
    /** A part larger than this goes to disk as it arrives. */
    static final int MEMORY_THRESHOLD = 16 * 1024;

    private final Path parent;
    private Path directory;

    /** @param parent where to make the temporary directory, or {@code null} for the system's */
    public UploadFiles(Path parent) {
        this.parent = parent;
    }

    /** A factory for one upload's parts, none larger than {@code maxBytes}. */
    HttpDataFactory newFactory(long maxBytes) {
        DefaultHttpDataFactory factory = new DefaultHttpDataFactory(MEMORY_THRESHOLD);
        factory.setBaseDir(directory().toString());
        factory.setDeleteOnExit(false); // deleted when the upload ends; a JVM-wide hook list would only grow
        factory.setMaxLimit(maxBytes);
        return factory;
    }

    synchronized Path directory() {
        if (directory == null) {
            try {
                directory = parent == null
                        ? Files.createTempDirectory("ssemux-uploads-")
                        : Files.createTempDirectory(parent, "ssemux-uploads-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a directory for uploads", e);
            }
        }
        return directory;
    }

    /** Deletes the directory and whatever is left in it. Idempotent. */
    @Override
    public synchronized void close() {
        if (directory == null) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // Left for the system's cleaning of its temporary folder.
        }
        directory = null;
    }
}
