package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /api/projects/{folder}/photos} over real sockets, from the upload to the files and events. */
class PhotoUploadTest {
    private static final int MAX_PHOTO_BYTES = 256 * 1024;

    @TempDir
    Path scratch;

    private Path dataDir;
    private DemoServer server;
    private HubEvents events;
    private HubEvents others;

    @BeforeEach
    void start() throws IOException {
        dataDir = scratch.resolve("data");
        server = DemoServer.start(dataDir, MAX_PHOTO_BYTES);
        events = HubEvents.of(server.hub, DemoServer.USER);
        others = HubEvents.of(server.hub, "bob");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anUploadedPhotoIsThumbnailedStoredAndAnnouncedOnTheUploadersPrivateChannel() throws Exception {
        byte[] photo = Images.png(900, 600);

        HttpResponse<String> response = server.upload(
                "/api/projects/holiday/photos", DemoServer.file("photo", "beach.png", "image/png", photo));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode queued = HubEvents.json(response.body());
        String id = queued.get("id").asText();
        assertThat(queued.toString())
                .isEqualTo("{\"id\":\"" + id + "\",\"task_type\":\"thumbnail\",\"status\":\"queued\","
                        + "\"project_folder\":\"holiday\",\"file_name\":\"beach.png\"}");

        assertThat(events.next("job_started").get("id").asText()).isEqualTo(id);
        assertThat(List.of(
                        events.next("job_progress"),
                        events.next("job_progress"),
                        events.next("job_progress"),
                        events.next("job_progress")))
                .extracting(p -> p.get("step").asText())
                .containsExactly("decoding", "storing photo", "storing thumbnail", "updating manifest");
        JsonNode changed = events.next("manifest_changed");
        assertThat(changed.get("project_folder").asText()).isEqualTo("holiday");
        assertThat(changed.get("timestamp").asText()).isNotBlank();
        JsonNode completed = events.next("job_completed");
        assertThat(events.received()).isEmpty();
        assertThat(completed.get("photo").asText()).isEqualTo("photos/" + id + ".png");
        assertThat(completed.get("thumbnail").asText()).isEqualTo("thumbnails/" + id + ".png");
        assertThat(completed.get("width").asInt()).isEqualTo(900);

        Path project = dataDir.resolve("projects/holiday");
        assertThat(Files.readAllBytes(project.resolve("photos/" + id + ".png"))).isEqualTo(photo);
        assertThat(ImageFormat.sniff(Files.readAllBytes(project.resolve("thumbnails/" + id + ".png"))))
                .contains(ImageFormat.PNG);
        JsonNode manifest = HubEvents.json(Files.readString(project.resolve("manifest.json")));
        assertThat(manifest.get("updated").asText())
                .isEqualTo(changed.get("timestamp").asText());
        assertThat(manifest.get("photos").get(0).get("file_name").asText()).isEqualTo("beach.png");
    }

    @Test
    void otherUsersHearNothingOfAnUpload() throws Exception {
        HttpResponse<String> bobs = server.uploadAs(
                "bob", "/api/projects/p1/photos", DemoServer.file("photo", "bobs.png", "image/png", Images.png(8, 8)));
        server.upload("/api/projects/p1/photos", DemoServer.file("photo", "alices.png", "image/png", Images.png(8, 8)));

        String bobsJob = HubEvents.json(bobs.body()).get("id").asText();
        List<String> alicesEvents = untilCompleted(events);
        List<String> bobsEvents = untilCompleted(others);

        assertThat(alicesEvents).hasSize(7).allMatch(e -> e.contains("alices.png") || e.startsWith("manifest_changed"));
        assertThat(bobsEvents).hasSize(7).allMatch(e -> e.contains("bobs.png") || e.startsWith("manifest_changed"));
        assertThat(bobsEvents.get(0)).contains(bobsJob);
        assertThat(events.received()).isEmpty();
        assertThat(others.received()).isEmpty();
    }

    /** The events of {@code sink} up to its first {@code job_completed}, each as "type data". */
    private static List<String> untilCompleted(HubEvents sink) throws InterruptedException {
        List<String> received = new ArrayList<>();
        while (received.isEmpty() || !received.get(received.size() - 1).startsWith("job_completed")) {
            var message = sink.next();
            received.add(message.type() + " " + message.data());
        }
        return received;
    }

    @Test
    void aUserWhoseIdMakesNoChannelNameGets400() {
        HttpResponse<String> response = server.uploadAs(
                "alice@example.com",
                "/api/projects/p1/photos",
                DemoServer.file("photo", "a.png", "image/png", Images.png(4, 4)));

        assertError(response, 400, "bad_request", "user 'alice@example.com': has no private channel");
    }

    @Test
    void aJpegIsStoredAsJpg() throws Exception {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos",
                DemoServer.file("photo", "dog.jpeg", "image/jpeg", Images.image("jpg", 64, 64)));

        String id = HubEvents.json(response.body()).get("id").asText();
        assertThat(lastEvent("job_completed").get("photo").asText()).isEqualTo("photos/" + id + ".jpg");
    }

    @Test
    void theFileNameIsShownButNeverUsedAsAPath() throws Exception {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos",
                DemoServer.file("photo", "../../../escape.png", "image/png", Images.png(8, 8)));

        assertThat(HubEvents.json(response.body()).get("file_name").asText()).isEqualTo("escape.png");
        lastEvent("job_completed");
        assertThat(filesUnder(scratch))
                .allMatch(p -> p.startsWith("data/projects/p1/"))
                .noneMatch(p -> p.contains("escape"));
    }

    @Test
    void aDamagedImageFailsItsJobWithTheReasonAndLeavesNoFile() throws Exception {
        server.upload(
                "/api/projects/p1/photos", DemoServer.file("photo", "broken.png", "image/png", Images.damagedPng()));

        JsonNode failed = lastEvent("job_failed");
        assertThat(failed.get("reason").asText()).startsWith("not a readable image: ");
        assertThat(failed.get("file_name").asText()).isEqualTo("broken.png");
        assertThat(filesUnder(scratch)).isEmpty();
    }

    @Test
    void aFileThatIsNotAnImageGets415() {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos",
                DemoServer.file("photo", "notes.txt", "image/png", "just text".getBytes(StandardCharsets.UTF_8)));

        assertError(
                response,
                415,
                "unsupported_media_type",
                "file 'notes.txt': not a JPEG or PNG image (expected: image/jpeg or image/png)");
    }

    @Test
    void anEmptyFileGets400() {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos", DemoServer.file("photo", "empty.png", "image/png", new byte[0]));

        assertError(response, 400, "bad_request", "file 'empty.png': empty (expected: a JPEG or PNG image)");
    }

    @Test
    void aPhotoOverTheLimitGets413() {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos",
                DemoServer.file("photo", "big.png", "image/png", new byte[MAX_PHOTO_BYTES + 1]));

        assertError(response, 413, "payload_too_large", "file 'big.png': 262145 bytes (expected: at most 262144)");
    }

    @Test
    void aBodyFarOverTheLimitGets413BeforeItIsRead() {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos",
                DemoServer.file("photo", "huge.png", "image/png", new byte[4 * MAX_PHOTO_BYTES]));

        assertError(
                response,
                413,
                "payload_too_large",
                "body: larger than " + (MAX_PHOTO_BYTES + PhotoDemo.FORM_OVERHEAD_BYTES));
    }

    @Test
    void aFormWithoutThePhotoFieldGets400() {
        HttpResponse<String> response = server.upload(
                "/api/projects/p1/photos", DemoServer.file("picture", "a.png", "image/png", Images.png(4, 4)));

        assertError(response, 400, "bad_request", "form field 'photo': missing (expected: one JPEG or PNG file)");
    }

    @Test
    void twoPhotosInOneFormGet400() {
        byte[] photo = DemoServer.file("photo", "a.png", "image/png", Images.png(4, 4));
        HttpResponse<String> response = server.upload("/api/projects/p1/photos", photo, photo);

        assertError(response, 400, "bad_request", "form field 'photo': 2 files (expected: one JPEG or PNG file)");
    }

    @Test
    void aBodyThatIsNotMultipartGets415() {
        HttpResponse<String> response = server.post("/api/projects/p1/photos", "image/png", Images.png(4, 4));

        assertError(response, 415, "unsupported_media_type", "Content-Type 'image/png': not accepted");
    }

    @Test
    void anEmptyBodyGets400() {
        HttpResponse<String> response = server.post(
                "/api/projects/p1/photos", "multipart/form-data; boundary=" + DemoServer.BOUNDARY, new byte[0]);

        assertError(response, 400, "bad_request", "body: empty");
    }

    @Test
    void aMalformedFormGets400() {
        HttpResponse<String> response = server.post(
                "/api/projects/p1/photos",
                "multipart/form-data; boundary=" + DemoServer.BOUNDARY,
                "--nope\r\n".getBytes(StandardCharsets.US_ASCII));

        assertError(response, 400, "bad_request", "multipart body: no part");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "..%2Fx",
                "%2e%2e",
                "%2E%2E%2Fetc",
                "%2Fetc",
                "a%5Cb",
                "a%20b",
                "C:",
                "%00",
                "",
                "x1234567890123456789012345678901234567890123456789012345678901234"
            })
    void aFolderNameOutsideTheGrammarGets400AndWritesNothing(String folder) {
        HttpResponse<String> response = server.upload(
                "/api/projects/" + folder + "/photos",
                DemoServer.file("photo", "a.png", "image/png", Images.png(4, 4)));

        assertError(response, 400, "bad_request", "invalid name (expected: [A-Za-z0-9_-]{1,64})");
    }

    @Test
    void aPathWithDotDotSegmentsAsSentGets400() throws Exception {
        // java.net.http would not send ".." as is; a raw socket does.
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/projects/../../etc/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 6\r\n\r\n--b--\n")
                    .getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("project folder '../../etc': invalid name");
        }
        assertThat(filesUnder(scratch)).isEmpty();
    }

    @Test
    void otherMethodsGet405AndOtherPaths404() {
        HttpResponse<String> get = server.send(HttpRequest.newBuilder(server.uri("/api/projects/p1/photos"))
                .GET()
                .build());
        assertError(get, 405, "method_not_allowed", "GET '/api/projects/p1/photos': not allowed (expected: POST)");
        assertThat(get.headers().firstValue("allow")).hasValue("POST");

        HttpResponse<String> other = server.send(HttpRequest.newBuilder(server.uri("/api/projects/p1/videos"))
                .GET()
                .build());
        assertError(other, 404, "not_found", "no such endpoint (expected: /api/projects/{folder}/photos)");
    }

    @Test
    void aFullQueueGets503WithRetryAfter() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job blocking = new Job() {
            @Override
            public String taskType() {
                return "blocking";
            }

            @Override
            public Map<String, Object> details() {
                return Map.of();
            }

            @Override
            public Map<String, Object> run(String id, Progress progress) throws InterruptedException {
                running.countDown();
                release.await();
                return Map.of();
            }
        };
        server.demo.jobs().submit("user:alice", blocking); // the one worker
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        server.demo.jobs().submit("user:alice", blocking); // the one place in the queue
        try {
            HttpResponse<String> response = server.upload(
                    "/api/projects/p1/photos", DemoServer.file("photo", "a.png", "image/png", Images.png(4, 4)));

            assertError(response, 503, "unavailable", "jobs: the queue is full");
            assertThat(response.headers().firstValue("retry-after")).hasValue("2");
        } finally {
            release.countDown();
        }
        assertThat(filesUnder(scratch)).isEmpty();
    }

    @Test
    void aPhotoOfSeveralMebibytesIsStoredAndItsJobCompletes() throws Exception {
        // A real PNG and 6 MiB after its end, which decoders ignore: a large file that stays quick to decode.
        byte[] png = Images.png(64, 48);
        byte[] photo = Arrays.copyOf(png, png.length + 6 * 1024 * 1024);
        try (DemoServer big =
                new DemoServer(new DemoSettings(scratch.resolve("big"), 8 * 1024 * 1024, 1, 1, Duration.ZERO, 4))) {
            HubEvents bigEvents = HubEvents.of(big.hub, DemoServer.USER);

            HttpResponse<String> response =
                    big.upload("/api/projects/p1/photos", DemoServer.file("photo", "large.png", "image/png", photo));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String id = HubEvents.json(response.body()).get("id").asText();
            JsonNode completed;
            do {
                var message = bigEvents.next();
                completed = message.type().equals("job_completed") ? HubEvents.json(message.data()) : null;
            } while (completed == null);
            assertThat(completed.get("id").asText()).isEqualTo(id);
            assertThat(Files.readAllBytes(scratch.resolve("big/projects/p1/photos/" + id + ".png")))
                    .isEqualTo(photo);
            assertThat(filesUnder(scratch.resolve("big/incoming"))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "an unknown path under the prefix | /api/projects/p1/videos | 404 | no such endpoint",
                "a bad folder name                | /api/projects/a.b/photos | 400 | project folder 'a.b': invalid name",
                "a path outside the grammar       | /api/projects/photos     | 404 | no such endpoint",
            })
    void isAnsweredBeforeItsBodyIsSent(String name, String path, int status, String message) throws Exception {
        try (Socket socket = rawHead(path, 300_000, "")) { // within the body limit, past what would be drained
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 " + status + " ").containsIgnoringCase("connection: close");
            assertThat(answer).contains(message);
        }
    }

    @Test
    void theUploadBeyondFourAtOnceGets503BeforeItsBody() throws Exception {
        List<Socket> uploading = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = rawHead("/api/projects/p1/photos", 100_000, "Expect: 100-continue\r\n");
                uploading.add(socket);
                assertThat(new String(socket.getInputStream().readNBytes(25), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 100 "); // accepted, in flight while it sends nothing
            }
            try (Socket fifth = rawHead("/api/projects/p1/photos", 100_000, "")) {
                String answer = new String(fifth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(answer)
                        .startsWith("HTTP/1.1 503 ")
                        .containsIgnoringCase("retry-after: 1")
                        .contains("uploads: 4 in flight");
            }
        } finally {
            for (Socket socket : uploading) {
                socket.close();
            }
        }
    }

    @Test
    void aFullQueueGets503BeforeTheBody() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        fillTheQueue(release);
        try (Socket socket = rawHead("/api/projects/p1/photos", 300_000, "")) {
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer)
                    .startsWith("HTTP/1.1 503 ")
                    .containsIgnoringCase("retry-after: 2")
                    .contains("jobs: the queue is full");
        } finally {
            release.countDown();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no boundary          | multipart/form-data               | --XyZ--",
                "empty boundary       | multipart/form-data; boundary=    | --XyZ--",
                "boundary never seen  | multipart/form-data; boundary=XyZ | just text",
                "truncated part       | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"photo\"; filename=\"a\"\\r\\n\\r\\nabc",
                "junk after boundary  | multipart/form-data; boundary=XyZ | --XyZjunk\\r\\nContent-Disposition: form-data; name=\"photo\"; filename=\"a\"\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "no disposition       | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Type: text/plain\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "no headers at all    | multipart/form-data; boundary=XyZ | --XyZ\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "no field name        | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; filename=\"a\"\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "malformed header     | multipart/form-data; boundary=XyZ | --XyZ\\r\\nno colon here\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "a plain field        | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"photo\"\\r\\n\\r\\nabc\\r\\n--XyZ--",
            })
    void aMalformedFormGets400(String name, String contentType, String body) {
        HttpResponse<String> response = server.post(
                "/api/projects/p1/photos",
                contentType,
                body.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(HubEvents.json(response.body()).get("error").asText()).isEqualTo("bad_request");
    }

    @Test
    void aFormOfMoreThanSixteenPartsGets400() {
        byte[] part = DemoServer.file("other", "a.png", "image/png", Images.png(4, 4));
        byte[][] parts = new byte[17][];
        Arrays.fill(parts, part);

        assertError(server.upload("/api/projects/p1/photos", parts), 400, "bad_request", "multipart body");
    }

    /** A raw socket that has sent a multipart upload's head, and none of its body. */
    private Socket rawHead(String path, int contentLength, String more) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.server.port());
        socket.setSoTimeout(10_000);
        socket.getOutputStream()
                .write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-Id: alice\r\n"
                                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + contentLength
                                + "\r\n" + more + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Holds the one worker and the one place in the queue until {@code release}. */
    private void fillTheQueue(CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Job blocking = new Job() {
            @Override
            public String taskType() {
                return "blocking";
            }

            @Override
            public Map<String, Object> details() {
                return Map.of();
            }

            @Override
            public Map<String, Object> run(String id, Progress progress) throws InterruptedException {
                running.countDown();
                release.await();
                return Map.of();
            }
        };
        server.demo.jobs().submit("user:alice", blocking);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        server.demo.jobs().submit("user:alice", blocking);
    }

    private void assertError(HttpResponse<String> response, int status, String error, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = HubEvents.json(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).contains(message);
        assertThat(body.size()).isEqualTo(3);
        try {
            assertThat(filesUnder(scratch)).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The next event of {@code type}, skipping the others. */
    private JsonNode lastEvent(String type) throws InterruptedException {
        while (true) {
            var message = events.next();
            if (message.type().equals(type)) {
                return HubEvents.json(message.data());
            }
        }
    }

    /** Every regular file under {@code dir}, relative, with forward slashes. */
    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }
}
