package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.core.Hub;
import io.ssemux.core.Readiness;
import io.ssemux.redis.RedisBackplane;
import io.ssemux.redis.testing.RedisServer;
import io.ssemux.spring.SsemuxPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two apps on one real Redis through the same properties: one on Spring MVC, one on WebFlux. An event
 * published on either reaches the streams of both, with the same id.
 */
class ClusterModeTest {
    @TempDir
    static Path redisDir;

    static RedisServer redis;
    static ConfigurableApplicationContext mvc;
    static ConfigurableApplicationContext webflux;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startRedisAndTwoApps() throws Exception {
        redis = RedisServer.start(redisDir);
        mvc = app("servlet");
        webflux = app("reactive");
    }

    static ConfigurableApplicationContext app(String stack) {
        return new SpringApplicationBuilder(TestApp.class)
                .properties(
                        "spring.main.web-application-type=" + stack,
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "ssemux.grants.subscribe=jobs",
                        "ssemux.grants.publish=jobs",
                        "ssemux.redis.uri=" + redis.uri(),
                        "ssemux.redis.key-prefix=spring-cluster-test",
                        "ssemux.heartbeat=1s",
                        "ssemux.drain-window=0s")
                .run();
    }

    @AfterAll
    static void stopAll() {
        if (webflux != null) {
            webflux.close();
        }
        if (mvc != null) {
            mvc.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    RawStream stream(ConfigurableApplicationContext app) {
        return RawStream.open(
                http,
                URI.create("http://127.0.0.1:" + port(app) + "/api/sse/stream?channels=jobs"),
                "Authorization",
                StarterContract.basic("alice"));
    }

    @Test
    void bothAppsRunAsClusterNodesOnTheRedisOfTheProperties() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(mvc.getBean(RedisBackplane.class).reachable()).isTrue();
            assertThat(webflux.getBean(RedisBackplane.class).reachable()).isTrue();
            assertThat(webflux.getBean(Hub.class).readiness()).isEqualTo(Readiness.READY);
        });
    }

    @Test
    void anEventPublishedOnOneAppReachesTheStreamsOfBothWithOneId() throws Exception {
        try (RawStream onMvc = stream(mvc);
                RawStream onWebFlux = stream(webflux)) {
            onMvc.nextOfType("connected");
            onWebFlux.nextOfType("connected");

            mvc.getBean(SsemuxPublisher.class).publish("jobs", "job_completed", Map.of("id", 1));
            HttpResponse<String> overHttp = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(webflux) + "/api/sse/publish"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", StarterContract.basic("bob"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":2}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(overHttp.statusCode()).isEqualTo(202);

            var first = onMvc.nextOfType("job_completed");
            var second = onMvc.nextOfType("job_completed");
            assertThat(first.data()).isEqualTo("{\"id\":1}");
            assertThat(second.data()).isEqualTo("{\"id\":2}");
            var firstThere = onWebFlux.nextOfType("job_completed");
            var secondThere = onWebFlux.nextOfType("job_completed");
            assertThat(firstThere).isEqualTo(first);
            assertThat(secondThere).isEqualTo(second);
        }
    }

    @Test
    void theClusterStatsListBothNodes() {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(mvc.getBean(Hub.class).clusterStats().join()).hasSize(2));
    }
}
