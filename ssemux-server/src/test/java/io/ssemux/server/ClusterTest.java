package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.client.Backoff;
import io.ssemux.client.SseClient;
import io.ssemux.core.Event;
import io.ssemux.redis.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one real Redis, with nginx in front: for every client they behave as
 * one server. One cluster for the class; the test that kills a node runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger USERS = new AtomicInteger();

    @TempDir
    static Path dir;

    static RedisServer redis;
    static final List<ServerProcess> nodes = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();
    static Nginx balancer;

    private final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start(Files.createDirectories(dir.resolve("redis")));
        for (int i = 0; i < 3; i++) {
            ServerProcess node = ServerProcess.start(
                    Map.of(), "--port", "0", "--no-demo", "--redis", redis.uri(), "--heartbeat-seconds", "1");
            nodes.add(node);
            ports.add(node.awaitPort());
        }
        balancer = Nginx.start(Files.createDirectories(dir.resolve("nginx")), ports);
    }

    @AfterAll
    static void stopCluster() {
        if (balancer != null) {
            balancer.close();
        }
        nodes.forEach(ServerProcess::close);
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SseClient::close);
    }

    @Test
    @Order(1)
    void eventsPublishedRoundRobinOnEveryNodeArriveOnceAndInChannelOrderOnEveryNode() throws Exception {
        List<List<Event>> received = new ArrayList<>();
        for (int port : ports) {
            List<Event> events = new CopyOnWriteArrayList<>();
            received.add(events);
            SseClient client = open(base(port), events, "jobs", "pending-changes");
            await().atMost(BOUND).until(() -> client.state() == SseClient.State.OPEN);
        }

        for (int i = 0; i < 60; i++) {
            HttpResponse<String> answer = publish(ports.get(i % 3), i % 2 == 0 ? "jobs" : "pending-changes", i);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }

        for (List<Event> events : received) {
            await().atMost(BOUND).until(() -> events.size() >= 60);
            Map<String, List<Integer>> byChannel = byChannel(events);
            assertThat(byChannel.get("jobs")).hasSize(30).isSorted().doesNotHaveDuplicates();
            assertThat(byChannel.get("pending-changes")).hasSize(30).isSorted().doesNotHaveDuplicates();
        }
        assertThat(received.get(0))
                .extracting(Event::id)
                .isEqualTo(received.get(1).stream().map(Event::id).toList());
    }

    @Test
    @Order(2)
    void aCursorFromOneNodeResumesOnAnotherWithNoGapAndNoDuplicate() throws Exception {
        String user = "u" + USERS.incrementAndGet();
        List<Event> first = new CopyOnWriteArrayList<>();
        SseClient onA = openAs(user, base(ports.get(0)), first, "jobs");
        await().atMost(BOUND).until(() -> onA.state() == SseClient.State.OPEN);
        for (int i = 0; i < 10; i++) {
            publish(ports.get(i % 3), "jobs", i);
        }
        await().atMost(BOUND).until(() -> first.size() == 10);
        String cursor = first.get(4).id();
        onA.close();

        HttpResponse<java.util.stream.Stream<String>> resumed = HTTP.send(
                HttpRequest.newBuilder(URI.create(base(ports.get(2)) + "/api/sse/stream?channels=jobs&user=" + user))
                        .header("Last-Event-ID", cursor)
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> data = resumed.body()
                .filter(line -> line.startsWith("data: {\"n\""))
                .limit(5)
                .toList();

        assertThat(data)
                .containsExactly(
                        "data: {\"n\":5}", "data: {\"n\":6}", "data: {\"n\":7}", "data: {\"n\":8}", "data: {\"n\":9}");
    }

    @Test
    @Order(3)
    void redisStoppedAndRestartedMidPublishLosesNoAcceptedEventAndStreamsStayOpen() throws Exception {
        List<List<Event>> received = new ArrayList<>();
        List<List<SseClient.State>> states = new ArrayList<>();
        for (int port : ports) {
            List<Event> events = new CopyOnWriteArrayList<>();
            List<SseClient.State> seen = new CopyOnWriteArrayList<>();
            received.add(events);
            states.add(seen);
            SseClient client = SseClient.builder(URI.create(base(port)))
                    .user("u" + USERS.incrementAndGet())
                    .channels("outage")
                    .on("tick", events::add)
                    .onStateChange(seen::add)
                    .build();
            clients.add(client);
            await().atMost(BOUND).until(() -> client.state() == SseClient.State.OPEN);
        }
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        for (int port : ports) {
            await().atMost(BOUND).until(() -> readiness(port).equals("200 ready"));
        }

        for (int i = 0; i < 40; i++) {
            if (i == 15) {
                redis.stop();
                // a load balancer sends no new stream to a node that cannot read Redis
                await().atMost(BOUND).until(() -> readiness(ports.get(1)).equals("503 backplane_unreachable"));
            }
            if (i == 25) {
                redis.restart();
            }
            HttpResponse<String> answer = publish(ports.get(i % 3), "outage", "tick", i);
            if (answer.statusCode() == 202) {
                accepted.add(i);
            } else {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).contains("1");
                refused.add(i);
            }
        }
        await().atMost(BOUND).until(() -> {
            int i = 100;
            return publish(ports.get(0), "outage", "tick", i).statusCode() == 202;
        });
        accepted.add(100);
        for (int port : ports) {
            await().atMost(BOUND).until(() -> readiness(port).equals("200 ready"));
        }

        assertThat(refused).contains(15, 16, 17, 18, 19, 20, 21, 22, 23, 24);
        for (int node = 0; node < 3; node++) {
            List<Event> events = received.get(node);
            await().atMost(BOUND)
                    .until(() -> events.stream().anyMatch(e -> e.data().equals("{\"n\":100}")));
            List<Integer> numbers = numbers(events);
            assertThat(numbers).doesNotHaveDuplicates().isSorted().containsAll(accepted);
            assertThat(states.get(node))
                    .as("node %d's stream stayed open", node)
                    .doesNotContain(SseClient.State.RECONNECTING);
        }
    }

    @Test
    @Order(4)
    void aSubscriptionChangePostedToANodeThatDoesNotHoldTheStreamIsInForceWhenAnswered() throws Exception {
        String user = "u" + USERS.incrementAndGet();
        LineStream stream = LineStream.open(base(ports.get(0)) + "/api/sse/stream?channels=jobs&user=" + user);
        String connectionId = stream.connectionId();

        HttpResponse<String> changed = postJson(
                ports.get(1),
                "/api/sse/subscriptions?user=" + user,
                "{\"connectionId\":\"" + connectionId + "\",\"subscribe\":[\"extra\"]}");
        HttpResponse<String> stranger = postJson(
                ports.get(2),
                "/api/sse/subscriptions?user=mallory",
                "{\"connectionId\":\"" + connectionId + "\",\"subscribe\":[\"secrets\"]}");
        HttpResponse<String> gone = postJson(
                ports.get(2),
                "/api/sse/subscriptions?user=" + user,
                "{\"connectionId\":\"deadnode.AAAA\",\"subscribe\":[\"extra\"]}");
        publish(ports.get(2), "extra", 7);

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"channels\":[\"extra\",\"jobs\"]");
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.body()).contains("belongs to another user");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(stream.awaitLine("data: {\"n\":7}")).isTrue();
        stream.close();
    }

    @Test
    @Order(5)
    void aUsersSeventhStreamAnywhereEvictsTheOldestAnywhere() throws Exception {
        String user = "u" + USERS.incrementAndGet();
        List<LineStream> streams = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            LineStream stream = LineStream.open(base(ports.get(i % 3)) + "/api/sse/stream?channels=jobs&user=" + user);
            stream.connectionId(); // open before the next one
            streams.add(stream);
        }

        assertThat(streams.get(0).awaitLine("event: evicted")).isTrue();
        await().atMost(BOUND).until(() -> streamsOf(user) == 6);
        for (int i = 1; i < 7; i++) {
            assertThat(streams.get(i).lines()).doesNotContain("event: evicted");
        }
        streams.forEach(LineStream::close);
    }

    @Test
    @Order(6)
    void theStatsOfTheWholeClusterListEveryNodeAndTheirSum() throws Exception {
        String user = "u" + USERS.incrementAndGet();
        List<LineStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LineStream stream = LineStream.open(base(ports.get(i)) + "/api/sse/stream?channels=stats&user=" + user + i);
            stream.connectionId();
            streams.add(stream);
        }

        await().atMost(BOUND)
                .until(() -> connectionCounts(clusterStats()).stream().allMatch(n -> n > 0));
        String stats = clusterStats();
        assertThat(stats).startsWith("{\"scope\":\"cluster\",\"nodes\":{");
        assertThat(stats.split("\"connectionsOpened\"", -1)).hasSize(5); // three nodes and the total
        List<Integer> counts = connectionCounts(stats);
        assertThat(counts).hasSize(4);
        assertThat(counts.get(3)).isEqualTo(counts.get(0) + counts.get(1) + counts.get(2));
        streams.forEach(LineStream::close);
    }

    @Test
    @Order(10)
    void aStreamWhoseNodeIsKilledResumesThroughTheBalancerOnAnotherWithEveryEventOnce() throws Exception {
        String user = "u" + USERS.incrementAndGet();
        List<Event> events = new CopyOnWriteArrayList<>();
        SseClient client = openAs(user, base(balancer.port()), events, "jobs");
        await().atMost(BOUND).until(() -> client.state() == SseClient.State.OPEN);
        int holder = nodeHolding(user);
        List<Integer> others = new ArrayList<>(ports);
        others.remove(Integer.valueOf(ports.get(holder)));

        for (int i = 0; i < 60; i++) {
            if (i == 20) {
                nodes.get(holder).process().destroyForcibly(); // kill -9
            }
            HttpResponse<String> answer = publish(others.get(i % 2), "jobs", i);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }

        await().atMost(BOUND).until(() -> events.size() >= 60);
        assertThat(numbers(events))
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 60).boxed().toList());
        assertThat(nodeHolding(user)).isNotEqualTo(holder);
    }

    /** The {@code connections} figures of a cluster stats answer: each node's, then the total. */
    private static List<Integer> connectionCounts(String stats) {
        java.util.regex.Matcher connections =
                java.util.regex.Pattern.compile("\"connections\":(\\d+)").matcher(stats);
        List<Integer> counts = new ArrayList<>();
        while (connections.find()) {
            counts.add(Integer.parseInt(connections.group(1)));
        }
        return counts;
    }

    private static String clusterStats() throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base(ports.get(0)) + "/api/sse/stats?scope=cluster"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static HttpResponse<String> postJson(int port, String pathAndQuery, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base(port) + pathAndQuery))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A raw stream read line by line on a thread of its own. */
    private static final class LineStream implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private volatile java.util.concurrent.Flow.Subscription subscription;

        private LineStream(String url) {
            HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                        @Override
                        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                            LineStream.this.subscription = subscription;
                            subscription.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(String line) {
                            lines.add(line);
                        }

                        @Override
                        public void onError(Throwable throwable) {}

                        @Override
                        public void onComplete() {}
                    }));
        }

        static LineStream open(String url) {
            return new LineStream(url);
        }

        /** Waits for the connected event and returns its connection id. */
        String connectionId() {
            await().atMost(BOUND).until(() -> lines.stream().anyMatch(l -> l.contains("\"connectionId\"")));
            String line = lines.stream()
                    .filter(l -> l.contains("\"connectionId\""))
                    .findFirst()
                    .orElseThrow();
            int start = line.indexOf("\"connectionId\":\"") + "\"connectionId\":\"".length();
            return line.substring(start, line.indexOf('"', start));
        }

        boolean awaitLine(String line) {
            await().atMost(BOUND).until(() -> lines.contains(line));
            return true;
        }

        List<String> lines() {
            return lines;
        }

        @Override
        public void close() {
            if (subscription != null) {
                subscription.cancel(); // closes the connection
            }
        }
    }

    /** How many streams the user has on all live nodes, from their stats. */
    private static int streamsOf(String user) throws Exception {
        int n = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).process().isAlive()) {
                String stats = HTTP.send(
                                HttpRequest.newBuilder(URI.create(base(ports.get(i)) + "/api/sse/stats?user=" + user))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + user + "\":(\\d+)")
                        .matcher(stats);
                n += m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
        }
        return n;
    }

    /** Which node has the user's stream, from each live node's stats. */
    private static int nodeHolding(String user) throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).process().isAlive()) {
                continue;
            }
            HttpResponse<String> stats = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base(ports.get(i)) + "/api/sse/stats?user=" + user))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (stats.body().contains("\"" + user + "\":1")) {
                return i;
            }
        }
        return -1;
    }

    private SseClient open(String base, List<Event> events, String... channels) {
        return openAs("u" + USERS.incrementAndGet(), base, events, channels);
    }

    private SseClient openAs(String user, String base, List<Event> events, String... channels) {
        SseClient client = SseClient.builder(URI.create(base))
                .user(user)
                .channels(channels)
                .on("tick", events::add)
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(500)))
                .build();
        clients.add(client);
        return client;
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** What {@code /readyz} answers: the status code and the {@code status} of the body. */
    private static String readiness(int port) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(base(port) + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " " + answer.body().replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1");
    }

    private static HttpResponse<String> publish(int port, String channel, int n) throws Exception {
        return publish(port, channel, "tick", n);
    }

    private static HttpResponse<String> publish(int port, String channel, String type, int n) throws Exception {
        String body = "{\"channel\":\"" + channel + "\",\"type\":\"" + type + "\",\"data\":{\"n\":" + n + "}}";
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base(port) + "/api/sse/publish?user=publisher"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> numbers(List<Event> events) {
        return events.stream()
                .map(e -> Integer.parseInt(e.data().replaceAll("\\D", "")))
                .toList();
    }

    private static Map<String, List<Integer>> byChannel(List<Event> events) {
        Map<String, List<Integer>> byChannel = new LinkedHashMap<>();
        for (Event event : events) {
            byChannel
                    .computeIfAbsent(event.channel(), c -> new ArrayList<>())
                    .add(Integer.parseInt(event.data().replaceAll("\\D", "")));
        }
        return byChannel;
    }
}
