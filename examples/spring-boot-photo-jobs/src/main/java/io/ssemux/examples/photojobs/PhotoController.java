package io.ssemux.examples.photojobs;

import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.Principal;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The app's own endpoints: {@code GET /} opens the demo's page as the signed-in user, and
 * {@code POST /api/projects/{folder}/photos} takes one JPEG or PNG in the multipart field
 * {@code photo} and answers 202 with the queued job, whose events go to the uploader's private
 * channel. Bad input gets a 4xx JSON error in ssemux's shape ({@link ApiErrors}).
 */
@RestController
final class PhotoController {
    static final String FIELD = "photo";

    /** Folder and user names, which become directory names: no dot, slash or backslash. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final PhotoJobs jobs;

    PhotoController(PhotoJobs jobs) {
        this.jobs = jobs;
    }

    /** The page takes its user from the URL (the standalone demo's way); here it is the signed-in one. */
    @GetMapping("/")
    ResponseEntity<Void> home(Principal user) {
        URI page = UriComponentsBuilder.fromPath("/demo/index.html")
                .queryParam("user", user.getName())
                .encode()
                .build()
                .toUri();
        return ResponseEntity.status(HttpStatus.FOUND).location(page).build();
    }

    @PostMapping(path = "/api/projects/{folder}/photos", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JobEvent> upload(
            Principal user, @PathVariable("folder") String folder, @RequestPart(FIELD) MultipartFile photo)
            throws IOException {
        checkName("project folder", folder);
        checkName("user", user.getName());
        String fileName = displayName(photo.getOriginalFilename());
        if (photo.isEmpty()) {
            throw SsemuxException.badRequest(
                    "file " + Names.quote(fileName) + ": empty (expected: a JPEG or PNG image)");
        }
        ImageFormat format;
        try (InputStream in = photo.getInputStream()) {
            format = ImageFormat.sniff(in.readNBytes(ImageFormat.SIGNATURE_BYTES))
                    .orElseThrow(() -> SsemuxException.unsupportedMediaType("file " + Names.quote(fileName)
                            + ": not a JPEG or PNG image (expected: image/jpeg or image/png)"));
        }
        return ResponseEntity.accepted().body(jobs.submit(user.getName(), folder, fileName, format, photo));
    }

    private static void checkName(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw SsemuxException.badRequest(
                    what + " " + Names.quote(name) + ": invalid name (expected: " + NAME.pattern() + ")");
        }
    }

    /** The last segment of the name the browser sent (old browsers send whole paths), for display. */
    private static String displayName(String filename) {
        String name = filename == null
                ? ""
                : filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
                        .strip();
        return name.isEmpty() ? FIELD : name.length() > 128 ? name.substring(0, 128) : name;
    }
}
