package io.ssemux.examples.photojobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One upload's work, in the steps its progress events name: decode the photo, store it, store its
 * thumbnail, add it to the folder's manifest. {@link PhotoJobs} runs the steps one at a time, in
 * order, each on a thread of its scheduler, whose hand-off carries the job's state from one step to
 * the next: no locking.
 */
final class PhotoJob {
    static final String TASK_TYPE = "thumbnail";

    /** One step: the progress its {@code job_progress} event reports, its name there, its work. */
    record Step(int progress, String name, Work work) {}

    /** A step's work; {@link Thumbnails.Unreadable} fails the job with its reason, for the uploader. */
    @FunctionalInterface
    interface Work {
        void run(PhotoJob job) throws IOException, Thumbnails.Unreadable;
    }

    static final List<Step> STEPS = List.of(
            new Step(10, "decoding", PhotoJob::decode),
            new Step(40, "storing photo", PhotoJob::storePhoto),
            new Step(60, "storing thumbnail", PhotoJob::storeThumbnail),
            new Step(80, "updating manifest", PhotoJob::updateManifest));

    /** The data of {@code manifest_changed}. */
    record ManifestChange(@JsonProperty("project_folder") String projectFolder, String timestamp) {}

    private final String id;
    private final String user;
    private final String folder;
    private final String fileName;
    private final Path upload;
    private final Storage storage;
    private final Path project;
    private final String photoFile;
    private final String thumbnailFile;

    private BufferedImage image; // from decoding to the thumbnail
    private int width;
    private int height;
    private long bytes;
    private String manifestUpdated;

    /**
     * @param fileName the name the browser gave the file: shown, never used as a path
     * @param upload   the uploaded file, in the format its first bytes say; the job owns it
     */
    PhotoJob(String id, String user, String folder, String fileName, ImageFormat format, Path upload, Storage storage) {
        this.id = id;
        this.user = user;
        this.folder = folder;
        this.fileName = fileName;
        this.upload = upload;
        this.storage = storage;
        this.project = storage.project(user, folder);
        this.photoFile = "photos/" + id + "." + format.extension();
        this.thumbnailFile = "thumbnails/" + id + ".png";
    }

    String id() {
        return id;
    }

    /** Where the job's events go: the uploader's private channel, which only they (and admins) read. */
    String channel() {
        return "user:" + user;
    }

    private void decode() throws IOException, Thumbnails.Unreadable {
        bytes = Files.size(upload);
        image = Thumbnails.decode(upload);
        width = image.getWidth();
        height = image.getHeight();
    }

    private void storePhoto() throws IOException {
        storage.move(upload, project.resolve(photoFile));
    }

    private void storeThumbnail() throws IOException {
        storage.write(project.resolve(thumbnailFile), Thumbnails.thumbnail(image));
        image = null;
    }

    private void updateManifest() throws IOException {
        manifestUpdated = storage.addToManifest(
                project, folder, new Storage.Photo(id, fileName, photoFile, thumbnailFile, width, height, bytes));
    }

    /** Deletes the upload if no step stored it: the job failed or was dropped. */
    void discard() {
        storage.delete(upload);
    }

    JobEvent queued() {
        return event("queued", null, null);
    }

    JobEvent started() {
        return event("running", 0, null);
    }

    JobEvent progress(Step step) {
        return event("running", step.progress(), step.name());
    }

    JobEvent completed() {
        return new JobEvent(
                id, TASK_TYPE, "completed", 100, null, folder, fileName, photoFile, thumbnailFile, width, height, null);
    }

    JobEvent failed(String reason) {
        return new JobEvent(id, TASK_TYPE, "failed", null, null, folder, fileName, null, null, null, null, reason);
    }

    ManifestChange manifestChanged() {
        return new ManifestChange(folder, manifestUpdated);
    }

    private JobEvent event(String status, Integer progress, String step) {
        return new JobEvent(id, TASK_TYPE, status, progress, step, folder, fileName, null, null, null, null, null);
    }
}
