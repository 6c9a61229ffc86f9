package io.ssemux.netty;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One file of an {@link UploadedForm}, complete and stored by the server in a temporary file (or,
 * when small, in memory). Deleted when the stage of {@link UploadHandler#handle} completes, unless
 * moved. Thread-safe.
 */
public interface UploadedFile {
    /** The form field's name. */
    String field();

    /** The file name the client sent (untrusted: for display only), or an empty string. */
    String filename();

    /** The {@code Content-Type} the client declared for the file (untrusted). */
    String contentType();

    /** Its size in bytes. */
    long size();

    /**
     * Moves the file to {@code target} (replacing it), which the caller then owns. Blocks on the
     * disk: call it off the event loop, at most once.
     *
     * @return {@code target}
     */
    Path moveTo(Path target) throws IOException;
}
