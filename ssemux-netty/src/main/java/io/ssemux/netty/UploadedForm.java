package io.ssemux.netty;

import java.util.List;

/**
 * The parts of a {@code multipart/form-data} body that an {@link UploadHandler} received: its
 * files, by field name. Valid until the stage of {@link UploadHandler#handle} completes. Immutable;
 * any thread.
 */
public interface UploadedForm {
    /** The files sent in the field {@code name}, in order (empty when none). */
    List<UploadedFile> files(String name);

    /** How many parts the form had, files and plain fields alike. */
    int parts();
}
