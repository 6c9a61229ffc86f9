package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Hub;
import io.ssemux.core.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the application drains its streams first: each is told, then ended; new ones are refused. */
class ShutdownTest {

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "reactive"})
    void closingTheAppTellsEveryStreamToReconnectAndEndsIt(String stack) throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
                .properties(
                        "spring.main.web-application-type=" + stack,
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "ssemux.grants.subscribe=jobs",
                        "ssemux.drain-window=1s")
                .run();
        Hub hub = app.getBean(Hub.class);
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpClient http = HttpClient.newHttpClient();
        URI stream = URI.create("http://127.0.0.1:" + port + "/api/sse/stream?channels=jobs");
        RawStream first = RawStream.open(http, stream, "Authorization", StarterContract.basic("alice"));
        RawStream second = RawStream.open(http, stream, "Authorization", StarterContract.basic("bob"));
        first.nextOfType("connected");
        second.nextOfType("connected");

        CompletableFuture<Void> closed = CompletableFuture.runAsync(app::close);

        assertThat(first.nextOfType("draining").data()).contains("\"reason\":\"shutdown\"");
        assertThat(second.nextOfType("draining").data()).contains("\"reconnectAfterMillis\":");
        assertThat(first.awaitEnd()).as("the first stream ended").isTrue();
        assertThat(second.awaitEnd()).as("the second stream ended").isTrue();
        closed.get(RawStream.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(hub.readiness()).isEqualTo(Readiness.CLOSED);
        assertThat(hub.stats().connections()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "reactive"})
    void whileDrainingANewStreamIsRefusedWith503AndTheHealthIsOutOfService(String stack) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
                .properties(
                        "spring.main.web-application-type=" + stack,
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "ssemux.grants.subscribe=jobs")
                .run()) {
            Hub hub = app.getBean(Hub.class);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            hub.drain(Duration.ofSeconds(1)).join();

            HttpResponse<java.io.InputStream> refused = RawStream.get(
                    HttpClient.newHttpClient(),
                    URI.create("http://127.0.0.1:" + port + "/api/sse/stream?channels=jobs"),
                    "Authorization",
                    StarterContract.basic("alice"));

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            refused.body().close();
            HealthIndicator health = app.getBean("ssemuxHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.health().getDetails()).containsEntry("readiness", "draining");
        }
    }
}
