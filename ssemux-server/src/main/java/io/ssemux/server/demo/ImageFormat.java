package io.ssemux.server.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** The image formats the demo takes, told apart by their first bytes, never by a declared type or name. */
enum ImageFormat {
    PNG("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
    JPEG("jpg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});

    private final String extension;

    @SuppressWarnings("ImmutableEnumChecker") // private, set once here and only read by sniff()
    private final byte[] signature;

    ImageFormat(String extension, byte[] signature) {
        this.extension = extension;
        this.signature = signature;
    }

    /** The file name extension the demo stores it under. */
    String extension() {
        return extension;
    }

    /** The format whose signature the file starts with. */
    static Optional<ImageFormat> sniff(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sniff(in.readNBytes(8));
        }
    }

    /** The format whose signature {@code content} starts with. */
    static Optional<ImageFormat> sniff(byte[] content) {
        for (ImageFormat format : values()) {
            if (content.length >= format.signature.length
                    && Arrays.equals(
                            content, 0, format.signature.length, format.signature, 0, format.signature.length)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
