package io.ssemux.examples.photojobs;

import java.util.Arrays;
import java.util.Optional;

/** The image formats the example takes, told apart by their first bytes, never by a declared type or name. */
enum ImageFormat {
    PNG("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
    JPEG("jpg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});

    /** Enough of a file's start to tell its format. */
    static final int SIGNATURE_BYTES = 8;

    private final String extension;

    @SuppressWarnings("ImmutableEnumChecker") // private, set once here and only read by sniff()
    private final byte[] signature;

    ImageFormat(String extension, byte[] signature) {
        this.extension = extension;
        this.signature = signature;
    }

    /** The file name extension a photo of this format is stored under. */
    String extension() {
        return extension;
    }

    /** The format whose signature {@code start} (a file's first bytes) begins with. */
    static Optional<ImageFormat> sniff(byte[] start) {
        for (ImageFormat format : values()) {
            int n = format.signature.length;
            if (start.length >= n && Arrays.equals(start, 0, n, format.signature, 0, n)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
