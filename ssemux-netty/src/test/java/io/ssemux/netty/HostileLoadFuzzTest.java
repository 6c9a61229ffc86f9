package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Hub;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.SseMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile load: random bytes, request lines, headers, queries and JSON bodies thrown at every
 * endpoint of one real server, over real sockets on 127.0.0.1, while four streams of one user stay
 * open (plain and envelope, on the fuzzer's channels and on {@code all}). Every try sends one
 * attack on a new socket and reads the status line of the answer; then it reads what the open
 * streams received. It holds that:
 *
 * <ul>
 *   <li>no answer is a 5xx, and none stalls past the server's (short) timeouts;
 *   <li>every answer starts with an HTTP status line. A connection closed without an answer is
 *       accepted only for an attack that is not well-framed HTTP (garbage, a lying
 *       {@code Content-Length}, a body past the limit, which the server refuses and closes while
 *       the client still writes, so the kernel's reset may swallow the 413); those are counted;
 *   <li>every event on an open stream is a server control event ({@code connected} first, then
 *       heartbeats) or an event the fuzzer published with a 202, with that event's id, channel,
 *       type and data: CR, LF or NUL in a type, channel, id or body forge no field;
 *   <li>at the end the server is healthy ({@code /healthz} 200, a fresh stream gets a published
 *       event) and holds no connection but the four streams.
 * </ul>
 *
 * <p>A publish's data may hold CR and LF as JSON whitespace: a stream carries it as one
 * {@code data:} line per line, which a parser joins with LF, so that is what is compared.
 *
 * <p>One server for the whole class; a fixed number of tries. A failure prints jqwik's seed: put it
 * in {@code @Property(seed = "...")} to replay the same attacks.
 */
class HostileLoadFuzzTest {
    private static final int TRIES = 500;
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Duration SERVER_TIMEOUT = Duration.ofMillis(250);
    /** Far past the server's timeouts: an attack still unanswered then has stalled the server. */
    private static final int READ_TIMEOUT_MILLIS = 3_000;

    /** The channels of the held streams, which the fuzzer publishes to most. */
    private static final List<String> CHANNELS = List.of("fz.a", "fz.b", "fz-c:1");

    private static final List<String> TYPES = List.of("t1", "update", "fz.ev:x-1");
    private static final String WATCHER = "watcher";

    /** Inside a JSON string: escapes and raw characters that must never reach a field line. */
    private static final List<String> HOSTILE_FRAGMENTS = List.of(
            "\\r",
            "\\n",
            "\\r\\n",
            "\\u0000",
            "\\u2028",
            "\u2028",
            "\\u0085",
            "\\ud800",
            "\\t",
            " ",
            "\\\"",
            "\\\\",
            "%0A",
            "\\u000d\\u000aevent: forged",
            "\\nid: 666\\ndata: forged\\n\\n",
            "é");

    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON;charset=UTF-8",
            " application/json ",
            "application/json;",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "application/json, text/plain",
            "",
            ";",
            "application/json\u00e9");

    private static final List<byte[]> BAD_UTF8 = List.of(
            new byte[] {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            new byte[] {(byte) 0xC1, (byte) 0x8A}, // overlong LF
            new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x8D}, // overlong CR
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xE2, (byte) 0x80}, // cut short
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xC3});

    private static Hub hub;
    private static SsemuxServer server;
    private static HttpClient http;
    private static final List<HeldStream> held = new ArrayList<>();
    private static final List<String> connectionIds = new ArrayList<>();

    /** Every publish that was answered 202, by the id it was given. */
    private static final Map<String, Published> published = new ConcurrentHashMap<>();

    private static final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private static final AtomicInteger eventsChecked = new AtomicInteger();
    private static long startNanos;

    /** What a publish body says, when it says it cleanly; {@code null} members when not. */
    record Intent(String channel, String type, String data) {}

    record Published(String id, Intent intent, Attack attack) {}

    /**
     * One attack: the bytes written on a new socket.
     *
     * @param halfClose  whether the client shuts its output after writing (the server then sees EOF)
     * @param mustAnswer whether the request is well-framed HTTP, so that closing without an answer is a bug
     * @param mustRefuse whether any 2xx is a bug (a malformed publish body, a wrong media type)
     * @param intent     what a successful publish delivers, or {@code null}
     */
    @SuppressWarnings("ArrayRecordComponent") // compared never; printed by toString
    record Attack(String kind, byte[] wire, boolean halfClose, boolean mustAnswer, boolean mustRefuse, Intent intent) {
        @Override
        public String toString() {
            return kind + (halfClose ? " (half-closed)" : "") + ", " + wire.length + " bytes: " + printable(wire, 600);
        }
    }

    /** A stream held open for the whole run, and the events it was given. */
    static final class HeldStream {
        final String name;
        final TestStream stream;
        final boolean envelope;
        final Set<String> ids = new HashSet<>();

        HeldStream(String name, TestStream stream, boolean envelope) {
            this.name = name;
            this.stream = stream;
            this.envelope = envelope;
        }
    }

    @BeforeContainer
    static void startServer() {
        startNanos = System.nanoTime();
        hub = Hub.builder()
                .heartbeat(Duration.ofSeconds(1))
                .maxChannels(16)
                .maxConnectionsPerUser(8)
                .build();
        server = SsemuxServer.builder(hub)
                .host("127.0.0.1")
                .port(0)
                .timeouts(SERVER_TIMEOUT, SERVER_TIMEOUT, SERVER_TIMEOUT.multipliedBy(2))
                .maxBodyBytes(MAX_BODY_BYTES)
                .maxTokenBytes(1024)
                .route("/app/*", HostileLoadFuzzTest::echo)
                .build()
                .start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String channels = String.join(",", CHANNELS);
        hold("plain", channels, false);
        hold("envelope", channels, true);
        hold("plain-all", "all", false);
        hold("envelope-all", "all", true);
    }

    private static void hold(String name, String channels, boolean envelope) {
        TestStream stream = TestStream.open(
                http,
                uri("/api/sse/stream?user=" + WATCHER + "&channels=" + channels
                        + (envelope ? "&format=envelope" : "")));
        assertThat(stream.status()).isEqualTo(200);
        connectionIds.add(stream.connected().get("connectionId").asText());
        held.add(new HeldStream(name, stream, envelope));
    }

    @AfterContainer
    static void stopServer() {
        held.forEach(h -> h.stream.close());
        if (hub != null) {
            hub.close();
        }
        if (server != null) {
            server.close();
        }
        System.out.printf(
                "%s: %d tries in %d ms; answers %s; %d events checked on the open streams%n",
                HostileLoadFuzzTest.class.getSimpleName(),
                TRIES,
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
                new TreeMap<>(outcomes),
                eventsChecked.get());
    }

    /** An application route: echoes what it was asked, as JSON. */
    private static RouteResponse echo(RouteRequest request) throws JsonProcessingException {
        Map<String, Object> answer = new TreeMap<>();
        answer.put("method", request.method());
        answer.put("path", request.path());
        answer.put("q", String.valueOf(request.queryParameter("q")));
        answer.put("header", String.valueOf(request.header("X-Thing")));
        answer.put("bodyBytes", request.body().length);
        return RouteResponse.json(200, ServerExtension.JSON.writeValueAsString(answer));
    }

    // ---- the property ----

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void neverAnswers5xxNorForgesAnEvent(@ForAll("attacks") Attack attack) {
        String outcome = send(attack);
        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
        Statistics.label("kind").collect(attack.kind());
        Statistics.label("answer").collect(attack.kind(), outcome);
        held.forEach(HostileLoadFuzzTest::checkEvents);
    }

    @AfterProperty
    void serverIsHealthyAndHoldsOnlyTheHeldStreams() throws Exception {
        // A last event on every channel the streams of "all" carry: once they have it, they have every earlier one.
        // The fuzzer may have unsubscribed an -all stream from all (a valid change): subscribe it again.
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i).name.endsWith("-all")) {
                hub.updateSubscriptions(WATCHER, connectionIds.get(i), List.of("all"), List.of());
            }
        }
        String id = publish("fz.end", "end", "{\"last\":true}");
        for (HeldStream h : held) {
            if (h.name.endsWith("-all")) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    checkEvents(h);
                    assertThat(h.ids).contains(id);
                });
            } else {
                checkEvents(h);
            }
        }

        HttpResponse<String> health =
                http.send(HttpRequest.newBuilder(uri("/healthz")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);

        try (TestStream fresh = TestStream.open(http, uri("/api/sse/stream?user=fresh&channels=fz.fresh"))) {
            fresh.connected();
            publish("fz.fresh", "hello", "[1,2]");
            SseMessage message = fresh.next();
            assertThat(message.type()).isEqualTo("hello");
            assertThat(message.data()).isEqualTo("[1,2]");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(hub.stats().connections()).isEqualTo(held.size()));
        assertThat(hub.connectionsOf(WATCHER)).isEqualTo(held.size());
        assertThat(hub.stats().users()).isEqualTo(1);
    }

    // ---- talking to the server ----

    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWithHttp2Preface(byte[] wire) {
        return wire.length >= HTTP2_PREFACE.length
                && Arrays.equals(wire, 0, HTTP2_PREFACE.length, HTTP2_PREFACE, 0, HTTP2_PREFACE.length);
    }

    /**
     * Bytes after the HTTP/2 preface are HTTP/2 on the plain port (h2c with prior knowledge): the
     * server's first frame must be its SETTINGS (type 4, on stream 0), whatever garbage follows.
     */
    private static String http2Answer(Attack attack, InputStream in) throws IOException {
        byte[] header = in.readNBytes(9);
        if (header.length < 9) {
            return closed(attack, "closed without answer");
        }
        assertThat(header[3]).as("the first frame type for %s", attack).isEqualTo((byte) 4);
        assertThat(header[5] | header[6] | header[7] | header[8])
                .as("stream of SETTINGS")
                .isZero();
        return "h2";
    }

    /** Sends the attack on a new socket and says what came back: a status class or how the connection ended. */
    private static String send(Attack attack) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(attack.wire());
                out.flush();
                if (attack.halfClose()) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server refused and closed while we were writing: read what it said, if anything.
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (startsWithHttp2Preface(attack.wire())) {
                return http2Answer(attack, in);
            }
            while (true) {
                String statusLine = readLine(in);
                if (statusLine == null) {
                    return closed(attack, "closed without answer");
                }
                assertThat(statusLine).as("status line for %s", attack).matches("HTTP/1\\.[01] [1-5][0-9][0-9] .*");
                int status = Integer.parseInt(statusLine.substring(9, 12));
                int contentLength = -1;
                for (String header = readLine(in); header != null && !header.isEmpty(); header = readLine(in)) {
                    if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        contentLength = Integer.parseInt(header.substring(15).trim());
                    }
                }
                if (status >= 500) {
                    throw new AssertionError(statusLine + " for " + attack);
                }
                if (status < 200) {
                    continue; // 100 Continue: the answer follows
                }
                if (attack.mustRefuse() && status < 300) {
                    throw new AssertionError(statusLine + " for what must be refused: " + attack);
                }
                if (status == 202) {
                    assertThat(contentLength)
                            .as("Content-Length of a 202 for %s", attack)
                            .isNotNegative();
                    record(attack, new String(in.readNBytes(contentLength), StandardCharsets.UTF_8));
                }
                return String.valueOf(status);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "no answer and no close within " + READ_TIMEOUT_MILLIS + " ms (server timeouts " + SERVER_TIMEOUT
                            + ") for " + attack,
                    e);
        } catch (IOException e) {
            return closed(attack, "reset without answer");
        }
    }

    private static String closed(Attack attack, String outcome) {
        if (attack.mustAnswer()) {
            throw new AssertionError(outcome + " for a well-framed request: " + attack);
        }
        return outcome;
    }

    /** A 202 to a publish: remembers what the streams may now carry under its id. */
    private static void record(Attack attack, String body) {
        JsonNode answer = ServerExtension.json(body);
        assertThat(answer.has("id"))
                .as("a 202 without an id: %s for %s", body, attack)
                .isTrue();
        String id = answer.get("id").asText();
        Published earlier = published.putIfAbsent(id, new Published(id, attack.intent(), attack));
        assertThat(earlier).as("id %s given twice", id).isNull();
    }

    /** A line up to LF, without CR LF; {@code null} at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Publishes through the API; fails unless answered 202, and returns the event's id. */
    private static String publish(String channel, String type, String data) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/api/sse/publish?user=fz"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"channel\":\"" + channel + "\",\"type\":\"" + type + "\",\"data\":" + data + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = ServerExtension.json(response.body()).get("id").asText();
        published.put(id, new Published(id, new Intent(channel, type, data), null));
        return id;
    }

    /** Every event a held stream received since the last look is a control event or one that was published. */
    private static void checkEvents(HeldStream h) {
        for (SseMessage message : h.stream.pending()) {
            eventsChecked.incrementAndGet();
            if (h.envelope && message.type().equals(ControlEvents.HEARTBEAT)) {
                assertThat(message.data()).as("heartbeat on %s", h.name).isEqualTo("{}");
                continue;
            }
            Published p = published.get(message.lastEventId());
            assertThat(p)
                    .as("%s received an event nobody published: %s", h.name, message)
                    .isNotNull();
            assertThat(h.ids.add(p.id()))
                    .as("%s received event %s twice: %s", h.name, p.id(), message)
                    .isTrue();
            assertThat(p.intent())
                    .as("%s received event %s of a body that should have been refused: %s", h.name, message, p.attack())
                    .isNotNull();
            String channel;
            String type;
            String data;
            if (h.envelope) {
                assertThat(message.type()).as("%s: %s", h.name, message).isEqualTo("message");
                ControlEvents.Envelope envelope = ControlEvents.Envelope.parse(message.data());
                assertThat(envelope)
                        .as("%s: not an envelope: %s", h.name, message)
                        .isNotNull();
                channel = envelope.channel();
                type = envelope.type();
                data = envelope.data();
            } else {
                channel = p.intent().channel();
                type = message.type();
                data = message.data();
            }
            Intent expected = p.intent();
            assertThat(new Intent(channel, type, data))
                    .as("%s received, as event %s, not what was published by %s", h.name, p.id(), p.attack())
                    .isEqualTo(new Intent(expected.channel(), expected.type(), asLines(expected.data())));
        }
    }

    /** Data as an SSE parser gives it back: each CR LF or CR is a line break, LF. */
    private static String asLines(String data) {
        return data.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static String printable(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            if (b == '\\') {
                sb.append("\\\\");
            } else if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\n') {
                sb.append("\\n");
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return bytes.length > max ? sb.append("…").toString() : sb.toString();
    }

    // ---- the attacks ----

    @Provide
    Arbitrary<Attack> attacks() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, garbage()),
                Tuple.of(6, requests()),
                Tuple.of(4, publishes()),
                Tuple.of(1, streamChanges()));
    }

    /** Bytes that are not HTTP, or hardly: a connection closed without an answer is fine. */
    private Arbitrary<Attack> garbage() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3000),
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(500).map(HostileLoadFuzzTest::utf8),
                Arbitraries.of(
                                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                                "\r\n\r\n",
                                "\u0000\u0000\u0000\u0000",
                                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003",
                                "GET",
                                "GET / HTTP/1.1\r\n",
                                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX: \u0000\r\n\r\n",
                                " \r\n \r\n\r\n",
                                "\n\n\n\n")
                        .map(HostileLoadFuzzTest::latin1));
        return Combinators.combine(bytes, Arbitraries.of(true, false))
                .as((wire, halfClose) -> new Attack("garbage", wire, halfClose, false, false, null));
    }

    /** Requests made of random pieces: any method, path, query, headers and body, framed well or not. */
    private Arbitrary<Attack> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("GET", "POST")),
                Tuple.of(2, Arbitraries.of("HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT")),
                Tuple.of(1, Arbitraries.of("get", "G\u0000T", "POST\u00a0", "PRI", "X".repeat(300), "")));
        Arbitrary<String> version = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just("HTTP/1.1")),
                Tuple.of(2, Arbitraries.just("HTTP/1.0")),
                Tuple.of(1, Arbitraries.of("HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.12", "HTTP/1.1 x", "")));
        Arbitrary<Framing> framing = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Framing.CONTENT_LENGTH)),
                Tuple.of(2, Arbitraries.just(Framing.CHUNKED)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                Framing.NONE,
                                Framing.SHORTER,
                                Framing.LONGER,
                                Framing.NEGATIVE,
                                Framing.HUGE,
                                Framing.TWICE,
                                Framing.JUNK,
                                Framing.BOTH)));
        Arbitrary<Body> body = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(new Body(new byte[0], null, true))),
                Tuple.of(4, publishBodies()),
                Tuple.of(2, subscriptionBodies()),
                Tuple.of(1, jsonValues().map(v -> new Body(utf8(v), null, true))),
                Tuple.of(
                        1,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(2000).map(b -> new Body(b, null, true))));
        Arbitrary<List<String>> headers = header().list().ofMaxSize(4);
        return Combinators.combine(
                        method, target(), version, hostHeader(), headers, body, framing, Arbitraries.of(true, false))
                .as((m, t, v, host, hs, b, f, lf) -> {
                    List<String> all = new ArrayList<>();
                    if (host != null) {
                        all.add(host);
                    }
                    all.addAll(hs);
                    byte[] wire = request(m, t, v, all, b.bytes(), f, lf ? "\n" : "\r\n");
                    boolean longer = f == Framing.LONGER;
                    return new Attack("request", wire, longer, false, false, b.intent());
                });
    }

    /** Publishes that are framed well, with bodies that are or are not, to the channels the streams hold. */
    private Arbitrary<Attack> publishes() {
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.of("application/json", "application/json; charset=utf-8")),
                Tuple.of(1, Arbitraries.of(CONTENT_TYPES)));
        Arbitrary<String> query = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("?user=fz")),
                Tuple.of(
                        1, Arbitraries.of("", "?user=fz&user=x", "?user=%0D%0A", "?token=x&user=fz", "?channel=fz.a")));
        return Combinators.combine(publishBodies(), contentType, query).as((body, ct, q) -> {
            boolean json = ct.trim().toLowerCase(Locale.ROOT).startsWith("application/json")
                    && !ct.contains(",")
                    && !ct.contains("\u00e9")
                    && !ct.startsWith("application/jsonx");
            List<String> headers = List.of("Host: 127.0.0.1", "Content-Type: " + ct);
            byte[] wire = request(
                    "POST", "/api/sse/publish" + q, "HTTP/1.1", headers, body.bytes(), Framing.CONTENT_LENGTH, "\r\n");
            boolean fits = body.bytes().length <= MAX_BODY_BYTES;
            boolean valid = json && body.intent() != null && !q.contains("%0D");
            return new Attack(
                    "publish", wire, false, fits, !body.mayPass() || (fits && !json), valid ? body.intent() : null);
        });
    }

    /** Subscription changes and token refreshes of the held streams, as their own user. */
    private Arbitrary<Attack> streamChanges() {
        Arbitrary<String> connectionId = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("")), // one of the held streams
                Tuple.of(1, nameText()));
        Arbitrary<Integer> which = Arbitraries.integers().between(0, 3);
        return Combinators.combine(subscriptionBodies(), which, Arbitraries.of(true, false), connectionId)
                .as((body, index, token, other) -> {
                    String id = other.isEmpty() ? heldConnectionId(index) : other;
                    byte[] bytes = token
                            ? utf8("{\"connectionId\":\"" + id + "\"}")
                            : utf8(new String(body.bytes(), StandardCharsets.UTF_8).replace("@ID@", id));
                    byte[] wire = request(
                            "POST",
                            token ? "/api/sse/token?user=" + WATCHER : "/api/sse/subscriptions?user=" + WATCHER,
                            "HTTP/1.1",
                            List.of("Host: 127.0.0.1", "Content-Type: application/json"),
                            bytes,
                            Framing.CONTENT_LENGTH,
                            "\r\n");
                    return new Attack(token ? "token" : "subscriptions", wire, false, true, false, null);
                });
    }

    private static String heldConnectionId(int index) {
        return connectionIds.get(index % connectionIds.size());
    }

    // ---- pieces of requests ----

    enum Framing {
        CONTENT_LENGTH,
        CHUNKED,
        NONE,
        SHORTER,
        LONGER,
        NEGATIVE,
        HUGE,
        TWICE,
        JUNK,
        BOTH
    }

    /**
     * A request body.
     *
     * @param intent  what it publishes, when it is a clean publish body
     * @param mayPass whether a 2xx may answer it
     */
    @SuppressWarnings("ArrayRecordComponent") // compared never; printed by the attack
    record Body(byte[] bytes, Intent intent, boolean mayPass) {}

    private static byte[] request(
            String method,
            String target,
            String version,
            List<String> headers,
            byte[] body,
            Framing framing,
            String eol) {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(' ')
                .append(version)
                .append(eol);
        for (String header : headers) {
            head.append(header).append(eol);
        }
        byte[] payload = body;
        switch (framing) {
            case CONTENT_LENGTH ->
                head.append("Content-Length: ").append(body.length).append(eol);
            case CHUNKED -> {
                head.append("Transfer-Encoding: chunked").append(eol);
                payload = chunked(body);
            }
            case NONE -> {}
            case SHORTER ->
                head.append("Content-Length: ")
                        .append(Math.max(0, body.length - 3))
                        .append(eol);
            case LONGER ->
                head.append("Content-Length: ").append(body.length + 10).append(eol);
            case NEGATIVE -> head.append("Content-Length: -1").append(eol);
            case HUGE -> head.append("Content-Length: 99999999999999999999999").append(eol);
            case TWICE ->
                head.append("Content-Length: ")
                        .append(body.length)
                        .append(eol)
                        .append("Content-Length: ")
                        .append(body.length + 1)
                        .append(eol);
            case JUNK -> head.append("Content-Length: 1x").append(eol);
            case BOTH -> {
                head.append("Content-Length: ").append(body.length).append(eol);
                head.append("Transfer-Encoding: chunked").append(eol);
            }
        }
        head.append(eol);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(head.toString()));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 1000) {
            int n = Math.min(1000, body.length - i);
            out.writeBytes(latin1(Integer.toHexString(n) + "\r\n"));
            out.write(body, i, n);
            out.writeBytes(latin1("\r\n"));
        }
        out.writeBytes(latin1("0\r\n\r\n"));
        return out.toByteArray();
    }

    /** A request target: one of the server's paths, or worse, with a query that may be malformed or huge. */
    private Arbitrary<String> target() {
        Arbitrary<String> path = Arbitraries.frequencyOf(
                Tuple.of(
                        8,
                        Arbitraries.of(
                                "/api/sse/stream",
                                "/api/sse/publish",
                                "/api/sse/subscriptions",
                                "/api/sse/token",
                                "/api/sse/stats",
                                "/healthz",
                                "/app/echo")),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                "/nope",
                                "/",
                                "/app/",
                                "/app/%00/%0D%0A",
                                "/api/sse/stream/",
                                "//healthz",
                                "/api/sse/../sse/stats",
                                "/api/%2e%2e/x",
                                "/healthz%00",
                                "/%",
                                "/%zz",
                                "/%C0%AF",
                                "/app/\u2028",
                                "*",
                                "http://127.0.0.1/healthz",
                                "/api/sse/publish;x=1",
                                "/healthz#frag",
                                "")));
        Arbitrary<String> pair = Combinators.combine(
                        Arbitraries.of("user", "channels", "format", "lastEventId", "token", "q", "x", "user\r\n", ""),
                        queryValue(),
                        Arbitraries.frequency(
                                Tuple.of(6, Encoding.PERCENT), Tuple.of(1, Encoding.RAW), Tuple.of(1, Encoding.BROKEN)))
                .as((k, v, e) -> encode(k, e) + "=" + encode(v, e));
        Arbitrary<String> query = pair.list().ofMaxSize(4).map(pairs -> String.join("&", pairs));
        Arbitrary<String> pad = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.integers().between(1_000, 40_000).map(n -> "&pad=" + "a".repeat(n))));
        return Combinators.combine(path, query, pad, Arbitraries.of(true, false))
                .as((p, q, extra, withUser) -> {
                    String full = (withUser ? "user=fz&" : "") + q + extra;
                    return full.isEmpty() ? p : p + "?" + full;
                });
    }

    enum Encoding {
        PERCENT,
        RAW,
        BROKEN
    }

    private static final List<String> BROKEN_ESCAPES =
            List.of("%", "%G1", "%zz", "%C0%80", "%00", "%0D%0A", "%E2%80%A8", "%FF", "%ED%A0%80", "+%", "%%");

    private static String encode(String value, Encoding encoding) {
        String percent = URLEncoder.encode(value, StandardCharsets.UTF_8);
        return switch (encoding) {
            case PERCENT -> percent;
            case RAW -> value;
            case BROKEN -> percent + BROKEN_ESCAPES.get(Math.floorMod(value.hashCode(), BROKEN_ESCAPES.size()));
        };
    }

    private Arbitrary<String> queryValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(CHANNELS)),
                Tuple.of(2, Arbitraries.of("fz.a,fz.b", "all", "fz.a,,fz.b", " fz.a , fz.b ", ",")),
                Tuple.of(2, Arbitraries.of("envelope", "plain", "PLAIN", "xml", "0", "-1", "99999999999999999999")),
                Tuple.of(
                        3,
                        Combinators.combine(validNames(), Arbitraries.of(HOSTILE_RAW), validNames())
                                .as((a, f, b) -> a + f + b)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.integers().between(129, 5_000).map("c"::repeat)));
    }

    /** Raw characters for queries and headers. */
    private static final List<String> HOSTILE_RAW =
            List.of("\r", "\n", "\r\n", "\u0000", "\u2028", "\u0085", " ", "&", "=", "#", "%", "\"", "é", "\uD800");

    private Arbitrary<String> hostHeader() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("Host: 127.0.0.1")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "Host: localhost:1",
                                "Host: [::1]",
                                "Host: evil.example",
                                "Host: 127.0.0.1:99999999",
                                "Host: 127.0.0.1\u0000",
                                "Host:",
                                "Host: 127.0.0.1\r\nHost: evil.example")),
                Tuple.of(1, Arbitraries.just((String) null)));
    }

    private Arbitrary<String> header() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("Content-Type: application/json")),
                Tuple.of(2, Arbitraries.of(CONTENT_TYPES).map(v -> "Content-Type: " + v)),
                Tuple.of(2, queryValue().map(v -> "X-User-Id: " + v)),
                Tuple.of(
                        2,
                        Arbitraries.of("0", "-1", "99999999999999999999999", "abc", "x".repeat(300), "1\u00002", "1\r2")
                                .map(v -> "Last-Event-ID: " + v)),
                Tuple.of(1, queryValue().map(v -> "Authorization: Bearer " + v)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "Expect: 100-continue",
                                "Expect: 999-nope",
                                "Connection: close",
                                "Connection: keep-alive",
                                "Connection: upgrade\r\nUpgrade: websocket",
                                "Upgrade: h2c",
                                "Origin: http://evil.example",
                                "Transfer-Encoding: gzip",
                                "Transfer-Encoding: chunked, identity",
                                "Accept: text/event-stream")),
                Tuple.of(
                        2,
                        Combinators.combine(
                                        Arbitraries.of(
                                                "X-Thing", "X Thing", "X:Thing", "", "\u00e9", " X-Fold", "X\u0000"),
                                        queryValue())
                                .as((n, v) -> n + ": " + v)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 14_000).map(n -> "X-Big: " + "b".repeat(n))));
    }

    // ---- JSON bodies ----

    enum Shape {
        CLEAN,
        REORDERED,
        BOM,
        MISSING_CHANNEL,
        MISSING_TYPE,
        MISSING_DATA,
        EXTRA_FIELD,
        DUPLICATE_KEY,
        WRONG_TYPE,
        NOT_OBJECT,
        TRAILING,
        TRUNCATED,
        BAD_UTF8
    }

    /** Publish bodies: mostly clean, on the held channels; names and data hostile or not. */
    private Arbitrary<Body> publishBodies() {
        Arbitrary<Shape> shape = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Shape.CLEAN)),
                Tuple.of(3, Arbitraries.of(Shape.REORDERED, Shape.BOM)),
                Tuple.of(1, Arbitraries.of(Shape.values())));
        return Combinators.combine(
                        nameText(CHANNELS),
                        nameText(TYPES),
                        jsonValues(),
                        whitespace(),
                        shape,
                        Arbitraries.of(BAD_UTF8),
                        Arbitraries.integers().between(1, 50))
                .as(HostileLoadFuzzTest::publishBody);
    }

    private static Body publishBody(
            String channel, String type, String data, String ws, Shape shape, byte[] bad, int cut) {
        String c = "\"channel\"" + ws + ":" + ws + "\"" + channel + "\"";
        String t = "\"type\"" + ws + ":" + ws + "\"" + type + "\"";
        String d = "\"data\"" + ws + ":" + ws + data;
        String text = switch (shape) {
            case CLEAN, BAD_UTF8, TRUNCATED -> "{" + ws + c + "," + t + "," + d + ws + "}";
            case REORDERED -> "{" + d + ws + "," + ws + c + "," + t + "}";
            case BOM -> "\uFEFF{" + c + "," + t + "," + d + "}";
            case MISSING_CHANNEL -> "{" + t + "," + d + "}";
            case MISSING_TYPE -> "{" + c + "," + d + "}";
            case MISSING_DATA -> "{" + c + "," + t + "}";
            case EXTRA_FIELD -> "{" + c + "," + t + "," + d + ",\"id\":\"666\"}";
            case DUPLICATE_KEY -> "{" + c + "," + t + "," + d + "," + c.replace(channel, "fz.b") + "}";
            case WRONG_TYPE -> "{\"channel\":[\"" + channel + "\"]," + t + "," + d + "}";
            case NOT_OBJECT -> "[" + c.substring(10) + "," + data + "]";
            case TRAILING -> "{" + c + "," + t + "," + d + "}" + ws + "{}";
        };
        byte[] bytes = utf8(text);
        if (shape == Shape.TRUNCATED) {
            bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
        }
        if (shape == Shape.BAD_UTF8) {
            int at = text.indexOf("\"channel\"") + 1;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.writeBytes(bad);
            out.write(bytes, at, bytes.length - at);
            bytes = out.toByteArray();
        }
        boolean clean = shape == Shape.CLEAN || shape == Shape.REORDERED || shape == Shape.BOM;
        String channelValue = decode(channel);
        String typeValue = decode(type);
        Intent intent =
                clean && channelValue != null && typeValue != null ? new Intent(channelValue, typeValue, data) : null;
        return new Body(bytes, intent, clean);
    }

    /** Subscription bodies; {@code @ID@} stands for a connection id. */
    private Arbitrary<Body> subscriptionBodies() {
        Arbitrary<List<String>> names = nameText(CHANNELS).list().ofMaxSize(4);
        return Combinators.combine(names, names, Arbitraries.of(0, 1, 2, 3)).as((subscribe, unsubscribe, form) -> {
            String s = "["
                    + String.join(
                            ",", subscribe.stream().map(n -> "\"" + n + "\"").toList()) + "]";
            String u = "["
                    + String.join(
                            ",", unsubscribe.stream().map(n -> "\"" + n + "\"").toList()) + "]";
            String text = switch (form) {
                case 0 -> "{\"connectionId\":\"@ID@\",\"subscribe\":" + s + "}";
                case 1 -> "{\"connectionId\":\"@ID@\",\"subscribe\":" + s + ",\"unsubscribe\":" + u + "}";
                case 2 -> "{\"connectionId\":\"@ID@\",\"unsubscribe\":" + u + "}";
                default -> "{\"connectionId\":\"@ID@\",\"subscribe\":\"" + s + "\"}";
            };
            return new Body(utf8(text), null, true);
        });
    }

    /** The text of a JSON string (between the quotes): a name of the pool, another valid one, or a hostile one. */
    private Arbitrary<String> nameText(List<String> pool) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(pool)),
                Tuple.of(2, validNames()),
                Tuple.of(
                        3,
                        Combinators.combine(validNames(), Arbitraries.of(HOSTILE_FRAGMENTS), validNames())
                                .as((a, f, b) -> a + f + b)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "",
                                "all",
                                "connected",
                                "message",
                                "heartbeat",
                                "x".repeat(129),
                                "\\u0066z.a",
                                " fz.a",
                                "fz.a ")));
    }

    private Arbitrary<String> nameText() {
        return nameText(CHANNELS);
    }

    private static Arbitrary<String> validNames() {
        return Arbitraries.strings()
                .withChars("abcXYZ0129_.:-")
                .ofMinLength(1)
                .ofMaxLength(128)
                .edgeCases(c -> c.includeOnly("a"));
    }

    /** JSON values: mostly well-formed (with hostile strings, numbers and whitespace), sometimes deep, huge or broken. */
    private Arbitrary<String> jsonValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.recursive(this::jsonLeaf, this::jsonContainer, 0, 3)),
                Tuple.of(
                        1,
                        Combinators.combine(Arbitraries.integers().between(1, 3_000), Arbitraries.of(true, false))
                                .as((n, array) -> array
                                        ? "[".repeat(n) + "]".repeat(n)
                                        : "{\"a\":".repeat(n) + "1" + "}".repeat(n))),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "tru",
                                "[1,]",
                                "{\"a\":1,}",
                                "'x'",
                                "NaN",
                                "\"raw\rline\"",
                                "\"raw\nline\"",
                                "\"raw\u0000nul\"",
                                "01",
                                "\"\\x\"",
                                "[",
                                "{\"a\"}",
                                "\"\\u12\"",
                                "\"unterminated",
                                "{\"a\":1,\"a\":2}",
                                "1 2")),
                Tuple.of(1, Arbitraries.integers().between(1_000, 20_000).map(n -> "\"" + "x".repeat(n) + "\"")));
    }

    private Arbitrary<String> jsonLeaf() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().map(String::valueOf)),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                "0",
                                "-0",
                                "1.10",
                                "1E2",
                                "1e400",
                                "-1e-400",
                                "1e99999999999",
                                "123456789012345678901234567890",
                                "0.1000000000000000000000000000000000000001",
                                "9".repeat(999),
                                "9".repeat(1_001),
                                "1." + "0".repeat(2_000))),
                Tuple.of(3, Arbitraries.strings().ofMaxLength(20).map(HostileLoadFuzzTest::jsonString)),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                "\"\u2028\u2029\"",
                                "\"\\u2028\"",
                                "\"\\u0000\"",
                                "\"\\ud800\"",
                                "\"\\udc00\\ud800\"",
                                "\"\\r\\n\\r\\nevent: forged\\nid: 666\\n\\n\"",
                                "\"data: x\"")),
                Tuple.of(1, Arbitraries.of("true", "false", "null")));
    }

    private Arbitrary<String> jsonContainer(Arbitrary<String> inner) {
        Arbitrary<String> array = Combinators.combine(inner.list().ofMaxSize(4), whitespace())
                .as((items, ws) -> "[" + ws + String.join("," + ws, items) + ws + "]");
        Arbitrary<String> member = Combinators.combine(Arbitraries.of("a", "b", "c", "\\u0000", "\u2028"), inner)
                .as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = Combinators.combine(member.list().ofMaxSize(4), whitespace())
                .as((members, ws) -> "{" + ws + String.join("," + ws, members) + ws + "}");
        return Arbitraries.oneOf(array, object);
    }

    /** JSON whitespace, CR and LF included: a stream must split the data at them, never end a field there. */
    private static Arbitrary<String> whitespace() {
        return Arbitraries.of("", "", " ", "\n", "\r\n", "\r", "\t", "\r\r", "\n\n", " \r\n\r\n ");
    }

    /** A JSON string of any characters: the required escapes, and U+2028 and U+2029 left raw, as JSON allows. */
    private static String jsonString(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c)); // raw, it would not be UTF-8
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The value of a JSON string's text, or {@code null} when it is not one. */
    private static String decode(String text) {
        try {
            return ServerExtension.JSON.readValue("\"" + text + "\"", String.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
