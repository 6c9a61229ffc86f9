package io.ssemux.examples.photojobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.client.SseClient;
import io.ssemux.core.Event;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example as its users meet it, over real sockets on 127.0.0.1: people sign in with the login
 * form, upload photos, and see their jobs on their one stream; nobody sees another's.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "photo-jobs.step-pause=10ms",
            "photo-jobs.data-dir=target/test-data",
            "spring.servlet.multipart.max-file-size=256KB",
            "spring.servlet.multipart.max-request-size=1MB"
        })
class ExamplePhotoJobsTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    URI base;
    Browser alice;
    Browser bob;
    final List<SseClient> clients = new ArrayList<>();

    @BeforeEach
    void signIn() throws Exception {
        base = URI.create("http://127.0.0.1:" + port);
        alice = Browser.signedIn(base, "alice", "alice");
        bob = Browser.signedIn(base, "bob", "bob");
    }

    @AfterEach
    void closeStreams() {
        clients.forEach(SseClient::close);
    }

    /** Opens {@code browser}'s one stream on its user's private channel, as the page does; its events queue up. */
    BlockingQueue<Event> stream(Browser browser, String user) {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        SseClient client = SseClient.builder(base)
                .httpClient(browser.http())
                .channels("user:" + user)
                .onChannel("user:" + user, events::add)
                .build();
        clients.add(client);
        await().atMost(WAIT).until(() -> client.state() == SseClient.State.OPEN);
        return events;
    }

    static Event next(BlockingQueue<Event> events) throws InterruptedException {
        Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within %s", WAIT).isNotNull();
        return event;
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    @Test
    void anUploadsJobAndManifestChangeReachTheUploadersStreamOnly() throws Exception {
        BlockingQueue<Event> alices = stream(alice, "alice");
        BlockingQueue<Event> bobs = stream(bob, "bob");

        HttpResponse<String> queued = alice.upload("holiday", "beach.png", png(640, 480));

        assertThat(queued.statusCode()).isEqualTo(202);
        JsonNode job = json(queued.body());
        String id = job.get("id").asString();
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("file_name").asString()).isEqualTo("beach.png");

        List<String> seen = new ArrayList<>();
        Event event;
        do {
            event = next(alices);
            JsonNode data = json(event.data());
            assertThat(event.channel()).isEqualTo("user:alice");
            assertThat(data.get("project_folder").asString()).isEqualTo("holiday");
            seen.add(event.type()
                    + (data.has("step")
                            ? " " + data.get("progress") + " "
                                    + data.get("step").asString()
                            : ""));
        } while (!event.type().equals("job_completed"));
        assertThat(seen)
                .containsExactly(
                        "job_started",
                        "job_progress 10 decoding",
                        "job_progress 40 storing photo",
                        "job_progress 60 storing thumbnail",
                        "job_progress 80 updating manifest",
                        "manifest_changed",
                        "job_completed");
        JsonNode completed = json(event.data());
        assertThat(completed.get("id").asString()).isEqualTo(id);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("width").asInt()).isEqualTo(640);
        assertThat(completed.get("height").asInt()).isEqualTo(480);
        assertThat(completed.get("thumbnail").asString()).isEqualTo("thumbnails/" + id + ".png");

        Path folder = Path.of("target/test-data/users/alice/holiday");
        BufferedImage thumbnail =
                ImageIO.read(folder.resolve("thumbnails/" + id + ".png").toFile());
        assertThat(thumbnail.getWidth()).isEqualTo(320);
        assertThat(thumbnail.getHeight()).isEqualTo(240);
        assertThat(Files.readString(folder.resolve("manifest.json"))).contains("\"id\" : \"" + id + "\"");

        // Had any of alice's events reached bob's stream, they would come before those of his own upload.
        assertThat(bob.upload("holiday", "garden.png", png(40, 30)).statusCode())
                .isEqualTo(202);
        Event bobsFirst = next(bobs);
        assertThat(bobsFirst.type()).isEqualTo("job_started");
        assertThat(json(bobsFirst.data()).get("file_name").asString()).isEqualTo("garden.png");
    }

    @Test
    void anotherUsersPrivateChannelIsRefusedWith403() throws Exception {
        HttpResponse<String> refused = bob.get("/api/sse/stream?channels=user:alice");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused.body()).get("error").asString()).isEqualTo("forbidden");
    }

    @Test
    void aFileThatOnlyLooksLikeAnImageFailsItsJobWithTheDecodersReason() throws Exception {
        BlockingQueue<Event> alices = stream(alice, "alice");
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.write(Arrays.copyOf(png(64, 64), 8)); // a PNG's signature, so it passes for one
        damaged.write("and then no image at all".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> queued = alice.upload("holiday", "damaged.png", damaged.toByteArray());

        assertThat(queued.statusCode()).isEqualTo(202);
        Event event;
        do {
            event = next(alices);
        } while (!event.type().equals("job_failed"));
        JsonNode failed = json(event.data());
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("file_name").asString()).isEqualTo("damaged.png");
        assertThat(failed.get("reason").asString()).startsWith("not a readable image: ");
    }

    @Test
    void badUploadsGetAJsonErrorThatSaysWhatIsWrong() throws Exception {
        byte[] photo = png(8, 8);
        String token = alice.xsrfToken();

        assertError(alice.upload("bad.name", "a.png", photo), 400, "bad_request", "project folder 'bad.name'");
        assertError(
                alice.upload("holiday", "notes.txt", "just text".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type",
                "not a JPEG or PNG");
        assertError(alice.upload("holiday", "empty.png", new byte[0]), 400, "bad_request", "empty");
        assertError(
                alice.upload("holiday", "huge.png", new byte[300 * 1024]),
                413,
                "payload_too_large",
                "at most 262144 bytes");
        assertError(
                alice.send(alice.form("holiday", "file", "a.png", photo).header("X-XSRF-TOKEN", token)),
                400,
                "bad_request",
                "'photo'");
        assertError(
                alice.send(HttpRequest.newBuilder(alice.uri("/api/projects/holiday/photos"))
                        .header("Content-Type", "application/json")
                        .header("X-XSRF-TOKEN", token)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))),
                415,
                "unsupported_media_type",
                "multipart/form-data");
        assertError(alice.send(alice.form("holiday", "photo", "a.png", photo)), 403, "forbidden", "X-XSRF-TOKEN");
        Browser nobody = new Browser(base);
        nobody.get("/actuator/health"); // for its XSRF-TOKEN cookie: without one, CSRF protection answers first
        assertError(nobody.upload("holiday", "a.png", photo), 401, "unauthorized", "/login");
    }

    static void assertError(HttpResponse<String> response, int status, String error, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asString()).isEqualTo(error);
        assertThat(body.get("message").asString()).contains(messagePart);
    }

    @Test
    void signingInOpensTheDemoPageAsTheSignedInUserWithItsClient() throws Exception {
        HttpResponse<String> home = alice.get("/");

        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location")).hasValue("/demo/index.html?user=alice");
        for (String path : List.of("/demo/index.html", "/demo/app.js", "/demo/style.css", "/ssemux.js")) {
            assertThat(alice.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(new Browser(base).get("/").statusCode()).isNotEqualTo(200);
    }

    @Test
    void theStatsPanelNeedsTheAdminGrant() throws Exception {
        Browser ops = Browser.signedIn(base, "ops", "ops");
        stream(ops, "ops");

        assertThat(alice.get("/api/sse/stats?user=alice").statusCode()).isEqualTo(403);
        HttpResponse<String> stats = ops.get("/api/sse/stats?user=ops");
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(json(stats.body()).get("connectionsPerUser").get("ops").asInt())
                .isEqualTo(1);
    }
}
