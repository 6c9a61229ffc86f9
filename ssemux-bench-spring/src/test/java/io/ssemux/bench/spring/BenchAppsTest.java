package io.ssemux.bench.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;

/** Each bench app answers the load generator's requests as the standalone server does. */
class BenchAppsTest {
    private static final String TICK = "{\"seq\":0,\"t\":1,\"w\":0,\"p\":\"xx\"}";

    @ParameterizedTest
    @ValueSource(strings = {"mvc", "webflux", "sink"})
    void streamsWhatIsPublished(String app) throws Exception {
        try (ConfigurableApplicationContext context = BenchApps.start(app, "--server.port=0")) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<InputStream> stream = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/sse/stream?channels=bench&user=u1"))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            // Subscribed once the first event is out: the generator too publishes after every stream opened.
            assertThat(readUntil(lines, "event:connected")).isNotNull();
            CompletableFuture<String> tick = CompletableFuture.supplyAsync(() -> readUntil(lines, "data:{\"seq\""));
            HttpResponse<String> published = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/sse/publish"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"channel\":\"bench\",\"type\":\"tick\",\"data\":" + TICK + "}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).isEqualTo(202);
            assertThat(tick.get(10, TimeUnit.SECONDS).replace(" ", "")).isEqualTo("data:" + TICK);
            stream.body().close();
        }
    }

    /** The first line that starts with {@code prefix} once spaces are left out, or null at the end. */
    private static String readUntil(BufferedReader lines, String prefix) {
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.replace(" ", "").startsWith(prefix)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
