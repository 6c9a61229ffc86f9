package io.ssemux.server.demo;

import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import io.ssemux.netty.RouteHandler;
import io.ssemux.netty.RouteRequest;
import io.ssemux.netty.RouteResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's HTTP API: {@code POST /api/projects/{folder}/photos} takes one JPEG or PNG in the
 * {@code multipart/form-data} field {@code photo} and answers {@code 202} with the queued job. The
 * job's events and the manifest change go to the uploader's private channel,
 * {@code user:<uploader>} (the user the server's authenticator names), which no other user reads:
 * file and folder names stay with whoever uploaded them.
 * Bad input gets a 4xx JSON error in ssemux's shape ({@code {"status","error","message"}}), a full
 * job queue a 503 with {@code Retry-After}.
 *
 * <p>Runs on a Netty event loop: it only parses and checks the upload in memory, then hands it to
 * the {@link JobRunner}. It never touches the disk.
 */
final class PhotoRoutes implements RouteHandler {
    static final String ROUTE = "/api/projects/*";
    static final String FIELD = "photo";
    private static final String PREFIX = "/api/projects/";
    private static final String SUFFIX = "/photos";

    private final DataDirectory data;
    private final Thumbnailer thumbnailer;
    private final ManifestService manifest;
    private final JobRunner jobs;
    private final int maxPhotoBytes;
    private final Clock clock;

    PhotoRoutes(
            DataDirectory data,
            Thumbnailer thumbnailer,
            ManifestService manifest,
            JobRunner jobs,
            int maxPhotoBytes,
            Clock clock) {
        this.data = data;
        this.thumbnailer = thumbnailer;
        this.manifest = manifest;
        this.jobs = jobs;
        this.maxPhotoBytes = maxPhotoBytes;
        this.clock = clock;
    }

    @Override
    public RouteResponse handle(RouteRequest request) {
        String path = request.path();
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length() < PREFIX.length() + SUFFIX.length()) {
            throw SsemuxException.notFound(
                    "path " + Names.quote(path) + ": no such endpoint (expected: /api/projects/{folder}/photos)");
        }
        if (!request.method().equals("POST")) {
            return error(
                            405,
                            "method_not_allowed",
                            request.method() + " " + Names.quote(path) + ": not allowed (expected: POST)")
                    .withHeader("Allow", "POST");
        }
        String channel = privateChannel(request.user());
        ProjectFolder folder = folder(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
        String contentType = request.header("Content-Type");
        if (!MultipartForm.isFormData(contentType)) {
            return error(
                    415,
                    "unsupported_media_type",
                    "Content-Type " + Names.quote(contentType)
                            + ": not accepted (expected: multipart/form-data with a '" + FIELD + "' file)");
        }
        MultipartForm.Part photo = photo(contentType, request.body());
        Optional<ImageFormat> format = ImageFormat.sniff(photo.content());
        if (format.isEmpty()) {
            return error(
                    415,
                    "unsupported_media_type",
                    "file " + Names.quote(photo.filename())
                            + ": not a JPEG or PNG image (expected: image/jpeg or image/png)");
        }
        String fileName = displayName(photo.filename());
        String id = jobs.submit(
                channel,
                new PhotoJob(
                        folder, channel, fileName, format.get(), photo.content(), data, thumbnailer, manifest, clock));
        Map<String, Object> queued = new LinkedHashMap<>();
        queued.put("id", id);
        queued.put("task_type", PhotoJob.TASK_TYPE);
        queued.put("status", "queued");
        queued.put("project_folder", folder.name());
        queued.put("file_name", fileName);
        return RouteResponse.json(202, DemoJson.write(queued));
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

    private static ProjectFolder folder(String name) {
        try {
            return new ProjectFolder(name);
        } catch (IllegalArgumentException e) {
            throw SsemuxException.badRequest(e.getMessage());
        }
    }

    private MultipartForm.Part photo(String contentType, byte[] body) {
        if (body.length == 0) {
            throw SsemuxException.badRequest("body: empty (expected: multipart/form-data with a '" + FIELD + "' file)");
        }
        List<MultipartForm.Part> photos;
        try {
            photos = MultipartForm.parse(contentType, body).parts(FIELD);
        } catch (IllegalArgumentException e) {
            throw SsemuxException.badRequest(e.getMessage());
        }
        if (photos.size() != 1) {
            throw SsemuxException.badRequest("form field '" + FIELD + "': "
                    + (photos.isEmpty() ? "missing" : photos.size() + " files") + " (expected: one JPEG or PNG file)");
        }
        MultipartForm.Part photo = photos.get(0);
        if (photo.content().length == 0) {
            throw SsemuxException.badRequest(
                    "file " + Names.quote(photo.filename()) + ": empty (expected: a JPEG or PNG image)");
        }
        if (photo.content().length > maxPhotoBytes) {
            throw SsemuxException.payloadTooLarge("file " + Names.quote(photo.filename()) + ": "
                    + photo.content().length + " bytes (expected: at most " + maxPhotoBytes + ")");
        }
        return photo;
    }

    /** The last segment of the name the browser sent (old browsers send whole paths), for display. */
    private static String displayName(String filename) {
        if (filename == null) {
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
