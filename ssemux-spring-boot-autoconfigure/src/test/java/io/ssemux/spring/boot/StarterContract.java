package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssemux.client.SseClient;
import io.ssemux.core.Hub;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.spring.SsemuxPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the starter does on either web stack, against the real server on a random port: subclasses
 * pick Spring MVC or WebFlux. The application is {@link TestApp} (Spring Security, HTTP Basic). The
 * {@code theBrowserClient…} tests run the browser client, as the app serves it, in {@link Chromium}
 * (one per test class, started by the first of them).
 */
abstract class StarterContract {
    static final String PROPERTIES = "ssemux.grants.subscribe=jobs,pending-changes";
    static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Hub hub;

    @Autowired
    SsemuxPublisher publisher;

    final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** The test class's browser, started by its first browser test. */
    private static Chromium chromium;

    @AfterEach
    void closeStreams() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().connections() == 0);
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    /**
     * The test app's page {@code /browser-client.html} with {@code query}, in Chromium signed in as
     * {@code user}: the browser client served by the app at {@code /ssemux.js}. Closed after the test.
     */
    Chromium.Page page(String user, String query) {
        return page(port, user, query);
    }

    /** {@link #page(String, String)} through {@code 127.0.0.1:serverPort}: the app's or a proxy's in front of it. */
    Chromium.Page page(int serverPort, String user, String query) {
        if (chromium == null) {
            chromium = Chromium.start();
        }
        Chromium.Page page = chromium.open(
                "http://127.0.0.1:" + serverPort + "/browser-client.html" + query, user, TestApp.PASSWORD);
        open.add(page);
        return page;
    }

    /** An event as the page's handler got it: channel, type and data (JSON). */
    static String channelTypeData(JsonNode event) {
        return event.get("channel").asText() + " " + event.get("type").asText() + " " + event.get("data");
    }

    static String basic(String user) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + TestApp.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    RawStream stream(String user, String query, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = basic(user);
        System.arraycopy(headers, 0, all, 2, headers.length);
        RawStream stream = RawStream.open(http, uri("/api/sse/stream" + query), all);
        open.add(stream);
        return stream;
    }

    HttpResponse<String> post(String user, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        if (user != null) {
            request.header("Authorization", basic(user));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String user, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (user != null) {
            request.header("Authorization", basic(user));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void theJavaClientGetsEveryKindOfEventOverOneConnection() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        SseClient client = SseClient.builder(uri(""))
                .channels("jobs", "pending-changes")
                .header("Authorization", basic("alice"))
                .on("job_completed", event -> received.add("job_completed " + event.data()))
                .on("manifest_changed", event -> received.add("manifest_changed " + event.data()))
                .build();
        open.add(client);
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.connectionsOf("alice") == 1);

        publisher.publish("jobs", "job_completed", Map.of("id", 42));
        publisher.publish("pending-changes", "manifest_changed", Map.of("file", "a.jpg"));

        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("job_completed {\"id\":42}");
        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("manifest_changed {\"file\":\"a.jpg\"}");
        assertThat(hub.connectionsOf("alice")).isEqualTo(1);
    }

    @Test
    void aStreamResumesAfterItsLastEventIdWithoutLossOrRepeat() throws Exception {
        String lastId;
        try (RawStream first = stream("alice", "?channels=jobs")) {
            first.nextOfType("connected");
            publisher.publish("jobs", "job_completed", Map.of("id", 1));
            lastId = first.nextOfType("job_completed").lastEventId();
        }
        publisher.publish("jobs", "job_completed", Map.of("id", 2));
        publisher.publish("jobs", "job_completed", Map.of("id", 3));

        RawStream resumed = stream("alice", "?channels=jobs", "Last-Event-ID", lastId);
        resumed.nextOfType("connected");
        assertThat(resumed.next().data()).isEqualTo("{\"id\":2}");
        assertThat(resumed.next().data()).isEqualTo("{\"id\":3}");
        publisher.publish("jobs", "job_completed", Map.of("id", 4));
        assertThat(resumed.next().data()).isEqualTo("{\"id\":4}");
    }

    @Test
    void aUserIsRefusedChannelsTheAppDidNotGrantThemWith403() throws Exception {
        HttpResponse<InputStream> secret =
                RawStream.get(http, uri("/api/sse/stream?channels=jobs,payroll"), "Authorization", basic("alice"));
        HttpResponse<InputStream> othersPrivate =
                RawStream.get(http, uri("/api/sse/stream?channels=user:bob"), "Authorization", basic("alice"));

        assertThat(secret.statusCode()).isEqualTo(403);
        assertThat(new String(secret.body().readAllBytes(), StandardCharsets.UTF_8))
                .contains("\"error\":\"forbidden\"")
                .contains("payroll");
        assertThat(othersPrivate.statusCode()).isEqualTo(403);
        othersPrivate.body().close();
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void aUserReadsTheirOwnPrivateChannelOnly() {
        RawStream mine = stream("alice", "?channels=user:alice");
        mine.nextOfType("connected");

        publisher.publish("user:bob", "job_completed", Map.of("id", "bob's"));
        publisher.publish("user:alice", "job_completed", Map.of("id", "alice's"));

        assertThat(mine.nextOfType("job_completed").data()).isEqualTo("{\"id\":\"alice's\"}");
    }

    @Test
    void heartbeatsArriveOnAnIdleStream() {
        RawStream idle = stream("alice", "?channels=jobs");
        idle.nextOfType("connected");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> idle.comments().contains(" heartbeat")
                        || idle.comments().contains("heartbeat"));
    }

    @Test
    void publishingOverHttpNeedsAPublishGrant() throws Exception {
        long published = hub.stats().eventsPublished();
        HttpResponse<String> refused = post(
                "alice",
                "/api/sse/publish",
                "application/json",
                "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":1}}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("message").asText()).contains("publishing is not granted");
        assertThat(hub.stats().eventsPublished()).isEqualTo(published);
    }

    @Test
    void badRequestsGetAJsonErrorThatSaysWhatIsWrong() throws Exception {
        HttpResponse<String> notJson = post("alice", "/api/sse/subscriptions", "text/plain", "x");
        HttpResponse<String> malformed =
                post("alice", "/api/sse/subscriptions", "application/json", "{\"connectionId\":");
        HttpResponse<String> wrongMethod = get("alice", "/api/sse/publish");
        HttpResponse<String> unknown = get("alice", "/api/sse/nothing");
        HttpResponse<String> badFormat = get("alice", "/api/sse/stream?format=xml");

        assertThat(notJson.statusCode()).isEqualTo(415);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("message").asText()).contains("malformed JSON");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(json(badFormat).get("message").asText()).contains("expected: plain or envelope");
        for (HttpResponse<String> response : List.of(notJson, malformed, wrongMethod, unknown, badFormat)) {
            assertThat(response.headers()
                            .firstValue("Content-Type")
                            .orElseThrow()
                            .replace(" ", ""))
                    .isEqualToIgnoringCase("application/json;charset=utf-8");
        }
    }

    @Test
    void aBodyLargerThanTheLargestEventIsRefusedWith413() throws Exception {
        String data = "\"" + "x".repeat(100 * 1024) + "\"";
        HttpResponse<String> tooLarge = post(
                "ops",
                "/api/sse/publish",
                "application/json",
                "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":" + data + "}");

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("error").asText()).isEqualTo("payload_too_large");
        assertThat(json(tooLarge).get("message").asText()).contains("larger than");
    }

    @Test
    void nobodySignedInGets401() throws Exception {
        HttpResponse<String> anonymous = get(null, "/api/sse/stream?channels=jobs");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void aLiveStreamChangesItsChannelsOnlyForItsOwnUser() throws Exception {
        RawStream stream = stream("alice", "?channels=jobs");
        String connectionId = JSON.readTree(stream.nextOfType("connected").data())
                .get("connectionId")
                .asText();
        String body = "{\"connectionId\":\"" + connectionId + "\",\"subscribe\":[\"pending-changes\"]}";

        HttpResponse<String> stranger = post("bob", "/api/sse/subscriptions", "application/json", body);
        HttpResponse<String> owner = post("alice", "/api/sse/subscriptions", "application/json", body);

        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(owner.statusCode()).isEqualTo(200);
        assertThat(json(owner).get("channels").toString()).isEqualTo("[\"jobs\",\"pending-changes\"]");
        publisher.publish("pending-changes", "manifest_changed", Map.of("n", 1));
        SseMessage change = stream.nextOfType("manifest_changed");
        assertThat(change.data()).isEqualTo("{\"n\":1}");
    }

    @Test
    void theStatsAreForAdminsOnly() throws Exception {
        HttpResponse<String> user = get("alice", "/api/sse/stats");
        HttpResponse<String> admin = get("ops", "/api/sse/stats?top=3");

        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(json(admin).has("connections")).isTrue();
        assertThat(json(admin).has("topChannels")).isTrue();
    }

    @Test
    void theHealthIndicatorReportsTheHub() throws Exception {
        HttpResponse<String> health = get("ops", "/actuator/health/ssemux");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aThousandStreamsOpenedAndClosedLeaveNothingBehind() throws Exception {
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 1000; i++) {
            try (RawStream stream = stream(i % 2 == 0 ? "alice" : "bob", "?channels=jobs")) {
                stream.nextOfType("connected");
            }
        }
        open.clear();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(hub.stats().connections()).isZero();
            assertThat(hub.stats().users()).isZero();
            assertThat(hub.subscribersOf("jobs")).isZero();
            assertThat(hub.stats().connectionsOpened()).isEqualTo(hub.stats().connectionsClosed());
        });
        assertThat(Thread.activeCount()).isLessThan(threadsBefore + 20);
    }

    @Test
    void theBrowserClientGetsEveryKindOfEventOverOneConnection() {
        Chromium.Page page = page("alice", "?channels=jobs,pending-changes");
        page.awaitState("open");
        assertThat(hub.connectionsOf("alice")).isEqualTo(1);

        String job =
                publisher.publish("jobs", "job_completed", Map.of("id", 42)).id();
        String change = publisher
                .publish("pending-changes", "manifest_changed", Map.of("file", "a.jpg"))
                .id();

        await().atMost(Chromium.WAIT).until(() -> page.events().size() == 2);
        assertThat(page.events())
                .map(StarterContract::channelTypeData)
                .containsExactly(
                        "jobs job_completed {\"id\":42}", "pending-changes manifest_changed {\"file\":\"a.jpg\"}");
        assertThat(page.events()).map(event -> event.get("id").asText()).containsExactly(job, change);
        assertThat(page.seen("request")).as("stream requests").hasSize(1);
        assertThat(page.streamStatuses()).containsExactly(200);
        assertThat(hub.connectionsOf("alice")).isEqualTo(1);
    }

    @Test
    void theBrowserClientResumesAfterACutWithoutLossOrRepeat() {
        TcpProxy network = new TcpProxy(port);
        Chromium.Page page = page(network.port(), "alice", "?channels=jobs&floorMs=100");
        open.add(network);
        page.awaitState("open");
        String first =
                publisher.publish("jobs", "job_completed", Map.of("n", 1)).id();
        await().atMost(Chromium.WAIT).until(() -> page.events().size() == 1);

        network.cut();
        await().atMost(Chromium.WAIT).until(() -> hub.connectionsOf("alice") == 0);
        await().atMost(Chromium.WAIT).until(() -> page.states().contains("reconnecting"));
        List<String> ids = new ArrayList<>(List.of(first));
        ids.add(publisher.publish("jobs", "job_completed", Map.of("n", 2)).id());
        ids.add(publisher.publish("jobs", "job_completed", Map.of("n", 3)).id());
        network.restore();
        await().atMost(Chromium.WAIT).until(() -> page.events().size() == 3);
        ids.add(publisher.publish("jobs", "job_completed", Map.of("n", 4)).id());
        await().atMost(Chromium.WAIT).until(() -> page.events().size() == 4);

        assertThat(page.events())
                .map(event -> event.get("data").get("n").asInt())
                .containsExactly(1, 2, 3, 4);
        assertThat(page.events()).map(event -> event.get("id").asText()).containsExactlyElementsOf(ids);
        List<String> opened = page.seen("response").stream()
                .filter(response -> response.get("status").asInt() == 200)
                .map(response -> response.get("url").asText())
                .toList();
        assertThat(opened).hasSize(2);
        assertThat(URI.create(opened.get(1)).getQuery()).contains("lastEventId=" + first);
        assertThat(page.states()).containsSubsequence("open", "reconnecting", "open");
        assertThat(hub.connectionsOf("alice")).isEqualTo(1);
    }

    @Test
    void theBrowserClientOpeningWithAChannelItLacksIsRefusedWith403AndRetries() {
        Chromium.Page page = page("alice", "?channels=jobs,payroll&floorMs=100");

        // EventSource does not tell a page the status: the client takes the refusal for a failed
        // stream and retries with backoff (the browser's console shows the 403), never open.
        await().atMost(Chromium.WAIT).until(() -> page.streamStatuses().size() >= 2);
        assertThat(page.streamStatuses()).containsOnly(403);
        assertThat(page.states()).contains("connecting", "reconnecting").doesNotContain("open");
        assertThat(hub.connectionsOf("alice")).isZero();
    }

    @Test
    void theBrowserClientAddingAChannelItLacksIsRefusedWith403AndKeepsItsStream() {
        Chromium.Page page = page("alice", "?channels=jobs");
        page.awaitState("open");

        page.subscribe("payroll");

        await().atMost(Chromium.WAIT).until(() -> !page.console("warning").isEmpty());
        assertThat(page.console("warning"))
                .singleElement(as(InstanceOfAssertFactories.STRING))
                .startsWith("ssemux: subscription change refused (403)")
                .contains("payroll");
        publisher.publish("payroll", "salary_paid", Map.of("n", 1));
        publisher.publish("jobs", "job_completed", Map.of("n", 2));
        await().atMost(Chromium.WAIT).until(() -> page.events().size() == 1);
        assertThat(page.events()).map(StarterContract::channelTypeData).containsExactly("jobs job_completed {\"n\":2}");
        assertThat(hub.subscribersOf("payroll")).isZero();
        assertThat(page.seen("request")).as("stream requests").hasSize(1);
        assertThat(page.states()).containsExactly("connecting", "open");
    }
}
