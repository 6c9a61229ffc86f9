package io.ssemux.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.ssemux.netty.UploadedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A complete file part of Netty's decoder: on disk past {@link UploadFiles#MEMORY_THRESHOLD}, else
 * in memory. Its names are read once, on the event loop; {@link #moveTo} may run on any thread
 * while the decoder waits for the application's stage (the decoder deletes the part after it, a
 * no-op once the file has moved).
 */
final class NettyUploadedFile implements UploadedFile {
    private final FileUpload upload;
    private final String field;
    private final String filename;
    private final String contentType;
    private final long size;

    NettyUploadedFile(FileUpload upload) {
        this.upload = upload;
        this.field = upload.getName();
        this.filename = upload.getFilename() == null ? "" : upload.getFilename();
        this.contentType = upload.getContentType();
        this.size = upload.length();
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public String filename() {
        return filename;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public long size() {
        return size;
    }

    /** Whether the part stayed in memory (no larger than the threshold) rather than on disk. */
    boolean inMemory() {
        return upload.isInMemory();
    }

    @Override
    public synchronized Path moveTo(Path target) throws IOException {
        if (upload.isInMemory()) {
            ByteBuf content = upload.getByteBuf();
            try (OutputStream out = Files.newOutputStream(target)) {
                content.getBytes(content.readerIndex(), out, content.readableBytes());
            }
        } else {
            Files.move(upload.getFile().toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
