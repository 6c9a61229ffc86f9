package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.sse.SseMessage;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublishEndpointTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension().server(s -> s.maxBodyBytes(1024));

    @Test
    void acceptsAnEventAndSaysItsIdAndHowManyGotIt() {
        try (TestStream a = server.stream("a", "jobs");
                TestStream b = server.stream("b", "all")) {
            a.connected();
            b.connected();
            HttpResponse<String> response = server.post(
                    "/api/sse/publish",
                    "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":1,\"status\":\"done\"}}");

            assertThat(response.statusCode()).isEqualTo(202);
            JsonNode answer = ServerExtension.json(response.body());
            assertThat(answer.get("delivered").asInt()).isEqualTo(2);
            SseMessage received = a.next();
            assertThat(received.lastEventId()).isEqualTo(answer.get("id").asText());
            assertThat(received.data()).isEqualTo("{\"id\":1,\"status\":\"done\"}");
        }
    }

    @Test
    void carriesAnyJsonValueAsData() {
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();
            server.publish("jobs", "t", "\"line one\\nline two\"");
            server.publish("jobs", "t", "[1, 2.5, null, true]");
            server.publish("jobs", "t", "null");

            assertThat(stream.next(3))
                    .extracting(SseMessage::data)
                    .containsExactly("\"line one\\nline two\"", "[1, 2.5, null, true]", "null");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed JSON       | {\"channel\":\"jobs\",                                  | malformed JSON",
                "not an object        | [1,2]                                                    | not a JSON object",
                "empty body           | ''                                                       | body: empty",
                "missing channel      | {\"type\":\"t\",\"data\":1}                             | channel: missing",
                "missing type         | {\"channel\":\"jobs\",\"data\":1}                       | type: missing",
                "missing data         | {\"channel\":\"jobs\",\"type\":\"t\"}                   | data: missing",
                "number as channel    | {\"channel\":5,\"type\":\"t\",\"data\":1}               | channel: number (expected: a string)",
                "unknown field        | {\"channel\":\"jobs\",\"type\":\"t\",\"data\":1,\"x\":1} | field 'x': unknown",
                "invalid channel      | {\"channel\":\"a b\",\"type\":\"t\",\"data\":1}         | invalid name",
                "publish to all       | {\"channel\":\"all\",\"type\":\"t\",\"data\":1}         | reserved",
                "reserved type        | {\"channel\":\"jobs\",\"type\":\"connected\",\"data\":1} | reserved for the server",
                "LF in type           | {\"channel\":\"jobs\",\"type\":\"t\\nevent: x\",\"data\":1} | invalid event type",
                "CRLF in channel      | {\"channel\":\"jobs\\r\\ndata: x\",\"type\":\"t\",\"data\":1} | invalid name",
                "NUL in type          | {\"channel\":\"jobs\",\"type\":\"t\\u0000\",\"data\":1}  | invalid event type",
                "duplicate field      | {\"channel\":\"jobs\",\"channel\":\"x\",\"type\":\"t\",\"data\":1} | malformed JSON",
                "trailing garbage     | {\"channel\":\"jobs\",\"type\":\"t\",\"data\":1} xx     | malformed JSON",
            })
    void refusesBadInputWithA400ThatSaysWhatIsWrongAndPublishesNothing(String name, String body, String message) {
        try (TestStream stream = server.stream("a", "all")) {
            stream.connected();
            HttpResponse<String> response = server.post("/api/sse/publish", body);

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = ServerExtension.json(response.body());
            assertThat(error.get("status").asInt()).isEqualTo(400);
            assertThat(error.get("error").asText()).isEqualTo("bad_request");
            assertThat(error.get("message").asText()).contains(message);
            assertThat(server.stats().get("eventsPublished").asLong()).isZero();
        }
    }

    @Test
    void refusesABodyOverTheLimitWith413() {
        String big = "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":\"" + "x".repeat(2000) + "\"}";
        HttpResponse<String> response = server.post("/api/sse/publish", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(ServerExtension.json(response.body()).get("message").asText())
                .contains("larger than 1024 bytes");
        assertThat(server.stats().get("eventsPublished").asLong()).isZero();
    }

    @Test
    void answersUnknownPathsWith404AndWrongMethodsWith405() {
        HttpResponse<String> notFound = server.get("/api/sse/nope");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(ServerExtension.json(notFound.body()).get("error").asText()).isEqualTo("not_found");

        HttpResponse<String> wrongMethod = server.get("/api/sse/publish");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
        assertThat(ServerExtension.json(wrongMethod.body()).get("error").asText())
                .isEqualTo("method_not_allowed");

        HttpResponse<String> deleteStream = server.send(
                HttpRequest.newBuilder(server.uri("/api/sse/stream")).DELETE().build());
        assertThat(deleteStream.statusCode()).isEqualTo(405);
        assertThat(deleteStream.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void answersAMalformedPercentEncodingInThePathWith400() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /x%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer)
                    .startsWith("HTTP/1.1 400 ")
                    .contains("\"error\":\"bad_request\"", "malformed percent-encoding");
        }
    }

    @Test
    void answersHealthz() {
        HttpResponse<String> response = server.get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
    }
}
