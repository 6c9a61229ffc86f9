package io.ssemux.netty.internal;

import io.ssemux.netty.UploadedFile;
import io.ssemux.netty.UploadedForm;
import java.util.List;

/** The files of a decoded multipart body. Immutable. */
final class NettyUploadedForm implements UploadedForm {
    private final List<UploadedFile> files;
    private final int parts;

    NettyUploadedForm(List<UploadedFile> files, int parts) {
        this.files = List.copyOf(files);
        this.parts = parts;
    }

    @Override
    public List<UploadedFile> files(String name) {
        return files.stream().filter(f -> f.field().equals(name)).toList();
    }

    @Override
    public int parts() {
        return parts;
    }
}
