package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.sse.SseMessage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Subscribers get the exact bytes the publisher sent for {@code data}; what is not strict JSON in UTF-8 is refused. */
class PublisherBytesTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    private HttpResponse<String> publishRaw(byte[] body) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/sse/publish?user=p"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private static byte[] bytes(String prefix, byte[] middle, String suffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1e400",
                "1.10",
                "1E2",
                "-0",
                "0.1000000000000000000000000000000000000001",
                "123456789012345678901234567890",
                "\"\\u00e9\\ud83d\\ude00 \\/ é😀\"",
                "\"\\ud800\"",
                "{ \"b\" : 2 , \"a\" : [ 1 ,2 ] }",
                "[]",
                "{}",
                "false"
            })
    void deliversTheDataExactlyAsPublished(String data) {
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();
            HttpResponse<String> answer = publishRaw(
                    ("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));

            assertThat(answer.statusCode()).isEqualTo(202);
            assertThat(stream.next().data()).isEqualTo(data);
        }
    }

    @org.junit.jupiter.api.Test
    void prettyPrintedDataArrivesLineForLine() {
        try (TestStream stream = server.stream("a", "jobs")) {
            stream.connected();
            publishRaw("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":{\n  \"id\": 1,\n  \"ok\": true\n}}"
                    .getBytes(StandardCharsets.UTF_8));

            SseMessage event = stream.next();
            assertThat(event.data()).isEqualTo("{\n  \"id\": 1,\n  \"ok\": true\n}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"C080", "EDA080", "F4908080", "FF", "C3", "E282"})
    void refusesBytesThatAreNotStrictUtf8(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        HttpResponse<String> answer = publishRaw(bytes("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":\"", bad, "\"}"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("body: not UTF-8 at byte 37 (expected: well-formed UTF-8");
        assertThat(server.hub().stats().eventsPublished()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1_001, 5_000})
    void refusesNestingBeyondTheLimitWithA400NotA500(int depth) {
        String data = "[".repeat(depth) + "]".repeat(depth);
        HttpResponse<String> answer = publishRaw(
                ("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("body: beyond the limits of a JSON body");
    }

    @org.junit.jupiter.api.Test
    void refusesANumberBeyondTheLimitWithA400NotA500() {
        HttpResponse<String> answer =
                publishRaw(("{\"channel\":\"jobs\",\"type\":\"t\",\"data\":" + "9".repeat(1_500) + "}")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("body: beyond the limits of a JSON body", "Number value length (1500)");
    }
}
