package io.ssemux.netty;

import static io.ssemux.netty.RawHttp.readResponse;
import static io.ssemux.netty.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routes with a body limit of their own, enforced while the body is read. */
class RouteBodyLimitTest {
    private static final int UPLOAD_LIMIT = 200_000;

    private final AtomicInteger handled = new AtomicInteger();

    @RegisterExtension
    final ServerExtension server = new ServerExtension()
            .server(s -> s.route("/upload", this::bodyLength, UPLOAD_LIMIT)
                    .route("/api/*", this::bodyLength, UPLOAD_LIMIT)
                    .route("/small", this::bodyLength));

    private RouteResponse bodyLength(RouteRequest request) {
        handled.incrementAndGet();
        return RouteResponse.json(200, "{\"bytes\":" + request.body().length + "}");
    }

    @Test
    void routeTakesABodyUpToItsOwnLimitBeyondTheServerOne() {
        HttpResponse<String> response = post("/upload", UPLOAD_LIMIT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"bytes\":" + UPLOAD_LIMIT + "}");
    }

    @Test
    void refusesALargerContentLengthBeforeReadingAnyOfTheBodyThenDropsItAndCloses() throws Exception {
        try (Socket socket = open()) {
            // The headers alone: the answer must come without a byte of the body.
            write(
                    socket,
                    "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (UPLOAD_LIMIT + 1) + "\r\n\r\n");

            String refusal = readResponse(socket.getInputStream());
            assertThat(refusal)
                    .startsWith("HTTP/1.1 413 ")
                    .contains("\"error\":\"payload_too_large\"", "larger than " + UPLOAD_LIMIT + " bytes");

            assertThat(refusal).containsIgnoringCase("connection: close");
            write(socket, "y".repeat(UPLOAD_LIMIT + 1)); // the client sends its body all the same: no reset

            assertThat(socket.getInputStream().read())
                    .as("closed once the dropped body ended")
                    .isEqualTo(-1);
            assertThat(handled).hasValue(0);
        }
    }

    @Test
    void refusesAChunkedBodyAsSoonAsItGrowsPastTheLimit() throws Exception {
        try (Socket socket = open()) {
            write(socket, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 5; i++) { // 250,000 bytes, and the body goes on
                write(socket, chunk(50_000));
            }

            String answer = readResponse(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 413 ").contains("larger than " + UPLOAD_LIMIT + " bytes");
            assertThat(handled).hasValue(0);
        }
    }

    @Test
    void closesTheConnectionWhenARefusedBodyGoesOnPastTwiceTheLimit() throws Exception {
        try (Socket socket = open()) {
            write(socket, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) { // at most 5 MB, 25 times the limit
                try {
                    write(socket, chunk(50_000));
                } catch (IOException e) {
                    closed = true;
                }
            }
            if (!closed) {
                readResponse(socket.getInputStream());
                closed = endsOrResets(socket.getInputStream());
            }

            assertThat(closed).isTrue();
            assertThat(handled).hasValue(0);
        }
    }

    @Test
    void refusesWithoutAskingForTheBodyWhenTheClientExpects100Continue() throws Exception {
        // A raw socket: java.net.http of JDK 17 waits forever when the answer to Expect is not 100.
        try (Socket socket = open()) {
            write(
                    socket,
                    "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: "
                            + (UPLOAD_LIMIT + 1) + "\r\n\r\n");

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer)
                    .startsWith("HTTP/1.1 413 ")
                    .doesNotContain("100 Continue")
                    .containsIgnoringCase("connection: close");
            assertThat(handled).hasValue(0);
        }
    }

    @Test
    void routeWithoutALimitOfItsOwnHasTheServerLimit() {
        HttpResponse<String> response = post("/small", 64 * 1024 + 1);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(ServerExtension.json(response.body()).get("message").asText())
                .contains("larger than 65536 bytes");
        assertThat(post("/small", 64 * 1024).statusCode()).isEqualTo(200);
    }

    @Test
    void ownEndpointsKeepTheServerLimitUnderABroadPrefixRoute() {
        String big = "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":\"" + "x".repeat(100_000) + "\"}";
        HttpResponse<String> response = server.post("/api/sse/publish", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(ServerExtension.json(response.body()).get("message").asText())
                .contains("larger than 65536 bytes");
        assertThat(post("/api/other", 100_000).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesALimitThatIsNotPositive() {
        try (Hub hub = Hub.builder().build()) {
            SsemuxServer.Builder builder = SsemuxServer.builder(hub);

            assertThatThrownBy(() -> builder.route("/upload", r -> null, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxBodyBytes: 0 (expected: > 0)");
        }
    }

    private HttpResponse<String> post(String path, int bytes) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes]))
                .build());
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "x".repeat(size) + "\r\n";
    }

    private static boolean endsOrResets(InputStream in) {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }
}
