package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sockets that keep the server waiting are closed; every socket counts; an error ends the connection. */
class ConnectionLimitsTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    @RegisterExtension
    final ServerExtension server = new ServerExtension()
            .hub(h -> h.maxChannels(64))
            .server(s -> s.timeouts(SHORT, SHORT, SHORT).maxSockets(4));

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes the socket (EOF or reset); the bytes read. */
    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketException reset) {
            // closed by the server while data was in flight: closed all the same
        }
        return text.toString();
    }

    @Test
    void closesASocketThatSendsNothing() throws IOException {
        try (Socket idle = socket()) {
            assertThat(readToEnd(idle)).isEmpty();
        }
    }

    @Test
    void closesASocketThatStopsInTheMiddleOfItsHeaders() throws IOException {
        try (Socket partial = socket()) {
            send(partial, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            assertThat(readToEnd(partial)).isEmpty();
        }
    }

    @Test
    void closesASocketWhoseBodyIsShorterThanItsContentLength() throws IOException {
        try (Socket shortBody = socket()) {
            send(
                    shortBody,
                    "POST /api/sse/publish?user=a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"channel\":");
            assertThat(readToEnd(shortBody)).isEmpty();
        }
        assertThat(server.hub().stats().eventsPublished()).isZero();
    }

    @Test
    void closesAKeptAliveConnectionThatSendsNoNextRequest() throws IOException {
        try (Socket keptAlive = socket()) {
            send(keptAlive, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(readToEnd(keptAlive)).startsWith("HTTP/1.1 200 OK").endsWith("{\"status\":\"ok\"}");
        }
    }

    @Test
    void neverTimesOutAnOpenStreamWhoseClientSendsNothing() {
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();
            await().during(SHORT.multipliedBy(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> server.hub().stats().connections() == 1);

            server.publish("jobs", "t", "1");
            assertThat(stream.next().data()).isEqualTo("1");
        }
    }

    @Test
    void anErrorAnswerClosesTheConnection() throws IOException {
        try (Socket socket = socket()) {
            send(socket, "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            String answer = readToEnd(socket);
            assertThat(answer).startsWith("HTTP/1.1 404 Not Found").containsIgnoringCase("connection: close");
        }
    }

    @Test
    void everySocketCountsAndOnePastTheLimitGets503WhileTheOthersAreServed() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();
            for (int i = 0; i < 4; i++) { // with the stream, one more than the limit of 4
                sockets.add(socket());
            }
            List<String> answers = new ArrayList<>();
            for (Socket socket : sockets) {
                answers.add(readToEnd(socket)); // the one refused at once, the others at their header timeout
            }

            assertThat(answers)
                    .filteredOn(a -> a.startsWith("HTTP/1.1 503 Service Unavailable"))
                    .singleElement()
                    .asString()
                    .contains("Retry-After: 1", "too many open connections");
            assertThat(answers).filteredOn(String::isEmpty).hasSize(3);
            server.publish("jobs", "t", "\"still served\"");
            assertThat(stream.next().data()).isEqualTo("\"still served\"");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestWithTheMostChannelsOfTheLongestNamesAndATokenFits() throws IOException {
        StringBuilder channels = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            channels.append(i == 0 ? "" : "%2C")
                    .append(String.format("%03d", i))
                    .append("%3A".repeat(125));
        }
        String token = "t".repeat(8 * 1024);
        try (Socket socket = socket()) {
            send(
                    socket,
                    "GET /api/sse/stream?user=a&channels=" + channels + "&token=" + token
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(15);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aRequestLineBeyondThatIs414AndHeadersBeyondTheirLimit431() throws IOException {
        try (Socket socket = socket()) {
            send(socket, "GET /healthz?x=" + "y".repeat(60_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(readToEnd(socket))
                    .startsWith("HTTP/1.1 414 Request-URI Too Long")
                    .contains("\"error\":\"uri_too_long\"");
        }
        try (Socket socket = socket()) {
            send(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "y".repeat(40_000) + "\r\n\r\n");
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
        }
    }
}
