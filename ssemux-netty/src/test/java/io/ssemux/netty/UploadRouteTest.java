package io.ssemux.netty;

import static io.ssemux.netty.RawHttp.readResponse;
import static io.ssemux.netty.RawHttp.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upload routes over real sockets: heads judged before their body, bodies streamed, a limit on uploads in flight. */
class UploadRouteTest {
    private static final int LIMIT = 8 * 1024 * 1024;
    private static final int IN_FLIGHT = 4;
    private static final String TYPE = "multipart/form-data; boundary=XyZ";

    @TempDir
    Path kept;

    private final AtomicInteger handled = new AtomicInteger();

    @RegisterExtension
    final ServerExtension server = new ServerExtension()
            .server(s -> s.upload("/files/*", new Keeper(), LIMIT, IN_FLIGHT)
                    .route("/plain", r -> RouteResponse.json(200, "{}")));

    /** Refuses /files/refused before its body; moves each file of a form to {@link #kept} off the event loop. */
    private final class Keeper implements UploadHandler {
        @Override
        public RouteResponse accept(RouteRequest head) {
            return head.path().equals("/files/refused") ? RouteResponse.json(404, "{\"refused\":true}") : null;
        }

        @Override
        public CompletionStage<RouteResponse> handle(RouteRequest head, UploadedForm form) {
            handled.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> {
                StringBuilder sizes = new StringBuilder();
                for (UploadedFile file : form.files("f")) {
                    try {
                        file.moveTo(kept.resolve(file.filename()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    sizes.append(sizes.length() == 0 ? "" : ",").append(file.size());
                }
                return RouteResponse.json(200, "{\"parts\":" + form.parts() + ",\"sizes\":[" + sizes + "]}");
            });
        }
    }

    @Test
    void storesAFileOfSeveralMebibytesAndAnswersWhatTheHandlerSays() throws Exception {
        byte[] content = bytes(5 * 1024 * 1024);
        try (Socket socket = open()) {
            byte[] body = form(part("f", "big.bin", content), part("f", "small.bin", new byte[] {1, 2, 3}));
            write(socket, head("/files/a", body.length, ""));
            socket.getOutputStream().write(body);

            assertThat(readResponse(socket.getInputStream()))
                    .startsWith("HTTP/1.1 200 ")
                    .endsWith("{\"parts\":2,\"sizes\":[" + content.length + ",3]}");
        }
        assertThat(Files.readAllBytes(kept.resolve("big.bin"))).isEqualTo(content);
        assertThat(Files.readAllBytes(kept.resolve("small.bin"))).containsExactly(1, 2, 3);
    }

    @Test
    void answersARefusedHeadBeforeTheBodyAndClosesTheConnection() throws Exception {
        try (Socket socket = open()) {
            write(socket, head("/files/refused", 5_000_000, ""));

            String answer = readResponse(socket.getInputStream()); // before a byte of the body was sent

            assertThat(answer)
                    .startsWith("HTTP/1.1 404 ")
                    .containsIgnoringCase("connection: close")
                    .endsWith("{\"refused\":true}");
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void theUploadPastTheLimitInFlightGets503BeforeItsBodyAndTheOthersGoOn() throws Exception {
        byte[] body = form(part("f", "x.bin", bytes(200_000)));
        List<Socket> uploading = new ArrayList<>();
        try {
            for (int i = 0; i < IN_FLIGHT; i++) {
                Socket socket = open();
                uploading.add(socket);
                write(socket, head("/files/" + i, body.length, "Expect: 100-continue\r\n"));
                assertThat(new String(socket.getInputStream().readNBytes(25), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 100 "); // accepted: in flight
                socket.getOutputStream().write(body, 0, 100_000); // half the body
            }
            try (Socket fifth = open()) {
                write(fifth, head("/files/5", body.length, "Expect: 100-continue\r\n"));

                String answer = new String(fifth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(answer)
                        .startsWith("HTTP/1.1 503 ")
                        .containsIgnoringCase("retry-after: 1")
                        .contains("uploads: 4 in flight")
                        .doesNotContain("100 Continue");
            }
            for (Socket socket : uploading) {
                socket.getOutputStream().write(body, 100_000, body.length - 100_000);
                assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
        } finally {
            for (Socket socket : uploading) {
                socket.close();
            }
        }
        assertThat(handled).hasValue(IN_FLIGHT);
        assertThat(post("/files/again", form(part("f", "y.bin", new byte[10])))).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void anUploadCutShortFreesItsPlace() throws Exception {
        byte[] body = form(part("f", "x.bin", bytes(100_000)));
        for (int i = 0; i < IN_FLIGHT + 2; i++) {
            try (Socket socket = open()) {
                write(socket, head("/files/cut", body.length, ""));
                socket.getOutputStream().write(body, 0, 50_000);
                socket.getOutputStream().flush();
            }
        }
        // The server sees the closes asynchronously: their places come free soon after.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> post("/files/after", form(part("f", "z.bin", new byte[10])))
                        .startsWith("HTTP/1.1 200 "));
    }

    @Test
    void aClientThatSendsItsWholeRefusedBodyBeforeReadingGetsTheAnswerNotAReset() throws Exception {
        byte[] body = form(part("f", "x.bin", bytes(1_000_000)));
        List<Socket> uploading = new ArrayList<>();
        try {
            for (int i = 0; i < IN_FLIGHT; i++) {
                Socket socket = open();
                uploading.add(socket);
                write(socket, head("/files/" + i, body.length, "Expect: 100-continue\r\n"));
                assertThat(new String(socket.getInputStream().readNBytes(25), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 100 ");
            }
            try (Socket fifth = open()) {
                write(fifth, head("/files/5", body.length, ""));
                fifth.getOutputStream().write(body); // all of it, as most clients do, before reading
                fifth.getOutputStream().flush();

                String answer = new String(fifth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(answer).startsWith("HTTP/1.1 503 ").contains("uploads: 4 in flight");
            }
        } finally {
            for (Socket socket : uploading) {
                socket.close();
            }
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void asksForTheBodyWithContinueWhenExpected() throws Exception {
        byte[] body = form(part("f", "c.bin", new byte[1000]));
        try (Socket socket = open()) {
            write(socket, head("/files/c", body.length, "Expect: 100-continue\r\n"));
            assertThat(new String(socket.getInputStream().readNBytes(25), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            socket.getOutputStream().write(body);

            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no boundary          | multipart/form-data               | --XyZ--",
                "truncated part       | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\\r\\n\\r\\nabc",
                "no field name        | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; filename=\"a\"\\r\\n\\r\\nabc\\r\\n--XyZ--",
                "malformed header     | multipart/form-data; boundary=XyZ | --XyZ\\r\\nno colon here\\r\\n\\r\\nabc\\r\\n--XyZ--",
            })
    void refusesAMalformedBodyWith400(String name, String contentType, String body) throws Exception {
        byte[] bytes = body.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);

        String answer = post("/files/m", contentType, bytes);

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad_request\"");
        assertThat(handled).hasValue(0);
    }

    @Test
    void refusesMoreThanSixteenParts() throws Exception {
        byte[][] parts = new byte[17][];
        Arrays.fill(parts, part("f", "a.bin", new byte[] {1}));

        assertThat(post("/files/many", form(parts))).startsWith("HTTP/1.1 400 ").contains("multipart body");
        assertThat(handled).hasValue(0);
    }

    @Test
    void refusesAPartHeaderBlockThatDoesNotEnd() throws Exception {
        byte[] body = ("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\nX-Long: "
                        + "x".repeat(40_000) + "\r\n\r\nabc\r\n--XyZ--")
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThat(post("/files/long", TYPE, body)).startsWith("HTTP/1.1 400 ").contains("multipart body");
    }

    @Test
    void plainRoutesAreServedAsBefore() throws Exception {
        try (Socket socket = open()) {
            write(socket, "POST /plain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(readResponse(socket.getInputStream()))
                    .startsWith("HTTP/1.1 200 ")
                    .endsWith("{}");
        }
    }

    // ---- helpers ----

    private String post(String path, byte[] body) throws IOException {
        return post(path, TYPE, body);
    }

    private String post(String path, String contentType, byte[] body) throws IOException {
        try (Socket socket = open()) {
            write(
                    socket,
                    "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n");
            socket.getOutputStream().write(body);
            return readResponse(socket.getInputStream());
        }
    }

    private static String head(String path, int length, String more) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + TYPE + "\r\nContent-Length: "
                + length + "\r\n" + more + "\r\n";
    }

    private static byte[] part(String field, String filename, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("--XyZ\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        part.writeBytes(content);
        part.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return part.toByteArray();
    }

    private static byte[] form(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        body.writeBytes("--XyZ--\r\n".getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** Bytes that hold no CR or LF, so no boundary can appear in them by chance. */
    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }
}
