package io.ssemux.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol's answers without a server: what every transport sends as it is. */
class HttpApiTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Hub hub =
            Hub.builder().scheduler(scheduler).clock(scheduler.clock()).build();
    private final HttpApi api = new HttpApi(hub, false);

    @AfterEach
    void closeHub() {
        hub.close();
    }

    /** A request with these headers, query and body, from a principal (or from nobody when null). */
    private static ApiRequest request(
            Principal principal, Map<String, String> headers, Map<String, List<String>> query, String body) {
        return new ApiRequest() {
            @Override
            public List<String> queryParameters(String name) {
                return query.getOrDefault(name, List.of());
            }

            @Override
            public byte[] body() {
                return body.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Principal principal() {
                if (principal == null) {
                    throw SsemuxException.unauthorized("no credential");
                }
                return principal;
            }

            @Override
            public String header(String name) {
                return headers.get(name);
            }

            @Override
            public String queryParameter(String name) {
                List<String> values = queryParameters(name);
                return values.isEmpty() ? null : values.get(0);
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1";
            }
        };
    }

    private static final Principal PUBLISHER = Principal.of("ops", new Grants(List.of("*"), List.of("jobs"), true));
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json; charset=utf-8");

    private static String body(HttpAnswer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPublishIsAcceptedWith202TheIdAndTheDeliveredCount() {
        HttpAnswer answer = api.serve(
                        ApiEndpoint.PUBLISH,
                        request(PUBLISHER, JSON, Map.of(), "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":[1, 2]}"))
                .join();

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.header("content-type")).isEqualTo(HttpAnswer.JSON_CONTENT_TYPE);
        assertThat(body(answer)).matches("\\{\"id\":\"[0-9]+\",\"delivered\":0}");
    }

    @Test
    void everyRefusalIsItsStatusWithAJsonBodyThatSaysWhy() {
        Principal reader = Principal.of("alice", new Grants(List.of("jobs"), List.of(), false));
        String event = "{\"channel\":\"jobs\",\"type\":\"t\",\"data\":1}";

        HttpAnswer forbidden = api.serve(ApiEndpoint.PUBLISH, request(reader, JSON, Map.of(), event))
                .join();
        HttpAnswer notJson = api.serve(
                        ApiEndpoint.PUBLISH, request(PUBLISHER, Map.of("Content-Type", "text/plain"), Map.of(), event))
                .join();
        HttpAnswer unknownField = api.serve(
                        ApiEndpoint.PUBLISH,
                        request(PUBLISHER, JSON, Map.of(), "{\"channel\":\"jobs\",\"kind\":\"t\",\"data\":1}"))
                .join();
        HttpAnswer nobody = api.serve(ApiEndpoint.STATS, request(null, Map.of(), Map.of(), ""))
                .join();
        HttpAnswer statsForUser = api.serve(ApiEndpoint.STATS, request(reader, Map.of(), Map.of(), ""))
                .join();

        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(body(forbidden)).contains("\"error\":\"forbidden\"", "publishing is not granted");
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(body(unknownField)).contains("field 'kind': unknown");
        assertThat(nobody.status()).isEqualTo(401);
        assertThat(nobody.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(statsForUser.status()).isEqualTo(403);
    }

    @Test
    void aPathThatNamesNoEndpointIs404AndAWrongMethod405WithAllow() {
        HttpAnswer unknown = HttpApi.refusal(ApiEndpoint.at("/nothing"), "GET", "/api/sse/nothing");
        HttpAnswer wrongMethod = HttpApi.refusal(ApiEndpoint.at("/publish"), "GET", "/api/sse/publish");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(body(unknown)).contains("'/api/sse/nothing': no such endpoint");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
        assertThat(wrongMethod.header("Content-Type")).isEqualTo(HttpAnswer.JSON_CONTENT_TYPE);
        assertThat(HttpApi.refusal(ApiEndpoint.STREAM, "GET", "/api/sse/stream"))
                .isNull();
    }

    @Test
    void aFailureOfTheServersOwnIsA500ThatSaysToSeeTheLogAndNothingMore() {
        HttpAnswer answer = HttpApi.failed("test", new IllegalStateException("secret detail"));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(body(answer)).contains("\"error\":\"internal_error\"").doesNotContain("secret detail");
    }

    @Test
    void aStreamRequestReadsChannelsFormatAndTheIdToResumeAfter() {
        ConnectRequest all = HttpApi.connectRequest(request(PUBLISHER, Map.of(), Map.of(), ""));
        ConnectRequest some = HttpApi.connectRequest(request(
                PUBLISHER,
                Map.of("Last-Event-ID", "17"),
                Map.of(
                        "channels",
                        List.of("jobs, pending-changes", "user:ops"),
                        "format",
                        List.of("envelope"),
                        "lastEventId",
                        List.of("3")),
                ""));
        ConnectRequest none = HttpApi.connectRequest(
                request(PUBLISHER, Map.of(), Map.of("channels", List.of(""), "lastEventId", List.of("3")), ""));

        assertThat(all.channels()).containsExactly("all");
        assertThat(all.format()).isEqualTo(Format.PLAIN);
        assertThat(all.lastEventId()).isNull();
        assertThat(some.channels()).containsExactly("jobs", "pending-changes", "user:ops");
        assertThat(some.format()).isEqualTo(Format.ENVELOPE);
        assertThat(some.lastEventId()).as("the header wins over the query").isEqualTo("17");
        assertThat(none.channels()).isEmpty();
        assertThat(none.lastEventId()).isEqualTo("3");
    }
}
