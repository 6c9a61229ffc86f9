package io.ssemux.server.demo;

import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import io.ssemux.netty.RouteRequest;
import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.UploadHandler;
import io.ssemux.netty.UploadedFile;
import io.ssemux.netty.UploadedForm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The demo's HTTP API: {@code POST /api/projects/{folder}/photos} takes one JPEG or PNG in the
 * {@code multipart/form-data} field {@code photo} and answers {@code 202} with the queued job. The
 * job's events and the manifest change go to the uploader's private channel,
 * {@code user:<uploader>} (the user the server's authenticator names), which no other user reads:
 * file and folder names stay with whoever uploaded them.
 * Bad input gets a 4xx JSON error in ssemux's shape ({@code {"status","error","message"}}), a full
 * job queue a 503 with {@code Retry-After}.
 *
 * <p>Threading: {@link #accept} judges the request head on a Netty event loop before the body is
 * read (path, method, user, folder, type, room in the queue); the server streams the body to a
 * temporary file; {@link #handle} checks the form's shape on the event loop, then moves the file
 * into the data directory, sniffs its format and queues the job on the {@code intake} executor:
 * nothing here reads or writes a file on the event loop.
 */
final class PhotoRoutes implements UploadHandler {
    static final String ROUTE = "/api/projects/*";
    static final String FIELD = "photo";
    private static final String PREFIX = "/api/projects/";
    private static final String SUFFIX = "/photos";

    private final DataDirectory data;
    private final Thumbnailer thumbnailer;
    private final ManifestService manifest;
    private final JobRunner jobs;
    private final Executor intake;
    private final int maxPhotoBytes;
    private final Clock clock;

    /** @param intake where an upload's file is moved, sniffed and queued: a thread that may block on the disk */
    PhotoRoutes(
            DataDirectory data,
            Thumbnailer thumbnailer,
            ManifestService manifest,
            JobRunner jobs,
            Executor intake,
            int maxPhotoBytes,
            Clock clock) {
        this.data = data;
        this.thumbnailer = thumbnailer;
        this.manifest = manifest;
        this.jobs = jobs;
        this.intake = intake;
        this.maxPhotoBytes = maxPhotoBytes;
        this.clock = clock;
    }

    @Override
    public RouteResponse accept(RouteRequest head) {
        String path = head.path();
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length() < PREFIX.length() + SUFFIX.length()) {
            throw SsemuxException.notFound(
                    "path " + Names.quote(path) + ": no such endpoint (expected: /api/projects/{folder}/photos)");
        }
        if (!head.method().equals("POST")) {
            return error(
                            405,
                            "method_not_allowed",
                            head.method() + " " + Names.quote(path) + ": not allowed (expected: POST)")
                    .withHeader("Allow", "POST");
        }
        privateChannel(head.user());
        folder(path);
        String contentType = head.header("Content-Type");
        if (!isFormData(contentType)) {
            return error(
                    415,
                    "unsupported_media_type",
                    "Content-Type " + Names.quote(contentType)
                            + ": not accepted (expected: multipart/form-data with a '" + FIELD + "' file)");
        }
        if ("0".equals(head.header("Content-Length"))) {
            throw SsemuxException.badRequest("body: empty (expected: multipart/form-data with a '" + FIELD + "' file)");
        }
        if (jobs.isFull()) {
            throw SsemuxException.unavailable(
                    "jobs: the queue is full (expected: a free place; try again shortly)", JobRunner.RETRY_AFTER);
        }
        return null;
    }

    @Override
    public CompletionStage<RouteResponse> handle(RouteRequest head, UploadedForm form) {
        String channel = privateChannel(head.user());
        ProjectFolder folder = folder(head.path());
        UploadedFile photo = photo(form);
        String fileName = displayName(photo.filename());
        return CompletableFuture.supplyAsync(() -> queue(channel, folder, photo, fileName), intake);
    }

    /** On the intake executor: takes the file into the data directory, checks it is an image, queues its job. */
    private RouteResponse queue(String channel, ProjectFolder folder, UploadedFile photo, String fileName) {
        Path file = null;
        try {
            file = photo.moveTo(data.newIncomingFile());
            Optional<ImageFormat> format = ImageFormat.sniff(file);
            if (format.isEmpty()) {
                Files.delete(file);
                return error(
                        415,
                        "unsupported_media_type",
                        "file " + Names.quote(photo.filename())
                                + ": not a JPEG or PNG image (expected: image/jpeg or image/png)");
            }
            String id = jobs.submit(
                    channel,
                    new PhotoJob(folder, channel, fileName, format.get(), file, data, thumbnailer, manifest, clock));
            file = null; // the job owns it now
            Map<String, Object> queued = new LinkedHashMap<>();
            queued.put("id", id);
            queued.put("task_type", PhotoJob.TASK_TYPE);
            queued.put("status", "queued");
            queued.put("project_folder", folder.name());
            queued.put("file_name", fileName);
            return RouteResponse.json(202, DemoJson.write(queued));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                deleteQuietly(file);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Deleted with the incoming folder at the next start.
        }
    }

    /** Whether {@code contentType} says {@code multipart/form-data}. */
    static boolean isFormData(String contentType) {
        return contentType != null
                && contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data");
    }

    /** {@code user:<user>}, where only {@code user} (and admins) can read what the demo says of their uploads. */
    static String privateChannel(String user) {
        String channel = Grants.PRIVATE_PREFIX + user;
        if (!Names.isValid(channel)) {
            throw SsemuxException.badRequest("user " + Names.quote(user)
                    + ": has no private channel for the demo's events (expected: a user id of letters, digits and _.:-,"
                    + " at most " + (Names.MAX_LENGTH - Grants.PRIVATE_PREFIX.length()) + " characters)");
        }
        return channel;
    }

    /** The folder of a path that {@link #accept} has checked ends in {@code /photos}. */
    private static ProjectFolder folder(String path) {
        try {
            return new ProjectFolder(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
        } catch (IllegalArgumentException e) {
            throw SsemuxException.badRequest(e.getMessage());
        }
    }

    /** The one photo of the form, checked from what the server knows of it: no file is read here. */
    private UploadedFile photo(UploadedForm form) {
        if (form.parts() == 0) {
            throw SsemuxException.badRequest(
                    "multipart body: no part (expected: parts between boundary lines, one a '" + FIELD + "' file)");
        }
        List<UploadedFile> photos = form.files(FIELD);
        if (photos.size() != 1) {
            throw SsemuxException.badRequest("form field '" + FIELD + "': "
                    + (photos.isEmpty() ? "missing" : photos.size() + " files") + " (expected: one JPEG or PNG file)");
        }
        UploadedFile photo = photos.get(0);
        if (photo.size() == 0) {
            throw SsemuxException.badRequest(
                    "file " + Names.quote(photo.filename()) + ": empty (expected: a JPEG or PNG image)");
        }
        if (photo.size() > maxPhotoBytes) {
            throw SsemuxException.payloadTooLarge("file " + Names.quote(photo.filename()) + ": " + photo.size()
                    + " bytes (expected: at most " + maxPhotoBytes + ")");
        }
        return photo;
    }

    /** The last segment of the name the browser sent (old browsers send whole paths), for display. */
    private static String displayName(String filename) {
        if (filename == null || filename.isEmpty()) {
            return FIELD;
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
                .strip();
        return name.isEmpty() ? FIELD : name.length() > 128 ? name.substring(0, 128) : name;
    }

    private static RouteResponse error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", code);
        body.put("message", message);
        return RouteResponse.json(status, DemoJson.write(body));
    }
}
