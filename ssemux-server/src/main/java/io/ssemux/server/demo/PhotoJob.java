package io.ssemux.server.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The work behind one upload: read the uploaded file, make the photo's thumbnail, store both in the project folder, and
 * add the photo to the folder's manifest. The image is checked (decoded) before anything is
 * written, so a damaged one leaves no file behind.
 */
final class PhotoJob implements Job {
    static final String TASK_TYPE = "thumbnail";

    private final ProjectFolder folder;
    private final String channel;
    private final String fileName;
    private final ImageFormat format;
    private final Path upload;
    private final DataDirectory data;
    private final Thumbnailer thumbnailer;
    private final ManifestService manifest;
    private final Clock clock;

    /**
     * @param channel  where the manifest change is announced: the uploader's private channel
     * @param fileName the name the browser gave the file: shown, never used as a path
     * @param upload   the uploaded file; the job owns it and deletes it when it ends
     */
    PhotoJob(
            ProjectFolder folder,
            String channel,
            String fileName,
            ImageFormat format,
            Path upload,
            DataDirectory data,
            Thumbnailer thumbnailer,
            ManifestService manifest,
            Clock clock) {
        this.folder = folder;
        this.channel = channel;
        this.fileName = fileName;
        this.format = format;
        this.upload = upload;
        this.data = data;
        this.thumbnailer = thumbnailer;
        this.manifest = manifest;
        this.clock = clock;
    }

    @Override
    public String taskType() {
        return TASK_TYPE;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("project_folder", folder.name());
        details.put("file_name", fileName);
        return details;
    }

    @Override
    public Map<String, Object> run(String id, Progress progress) throws Exception {
        try {
            return store(id, Files.readAllBytes(upload), progress);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private Map<String, Object> store(String id, byte[] image, Progress progress) throws Exception {
        progress.report(10, "decoding");
        Thumbnailer.Thumbnail thumbnail = thumbnailer.make(image);

        progress.report(40, "storing photo");
        Path project = data.project(folder);
        String photoFile = "photos/" + id + "." + format.extension();
        data.writeAtomically(project.resolve(photoFile), image);

        progress.report(60, "storing thumbnail");
        String thumbnailFile = "thumbnails/" + id + ".png";
        data.writeAtomically(project.resolve(thumbnailFile), thumbnail.png());

        progress.report(80, "updating manifest");
        Map<String, Object> photo = new LinkedHashMap<>();
        photo.put("id", id);
        photo.put("file_name", fileName);
        photo.put("photo", photoFile);
        photo.put("thumbnail", thumbnailFile);
        photo.put("width", thumbnail.sourceWidth());
        photo.put("height", thumbnail.sourceHeight());
        photo.put("bytes", image.length);
        photo.put("added", clock.instant().toString());
        manifest.addPhoto(folder, photo, channel);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("photo", photoFile);
        result.put("thumbnail", thumbnailFile);
        result.put("width", thumbnail.sourceWidth());
        result.put("height", thumbnail.sourceHeight());
        return result;
    }
}
