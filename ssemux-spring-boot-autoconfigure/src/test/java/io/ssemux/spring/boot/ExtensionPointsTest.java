package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.spring.ChannelAuthorizer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** What an application plugs in: its own grants, its own authenticator; and what it gets: meters. */
class ExtensionPointsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<InputStream> open(int port, String query, String... headers) {
        return RawStream.get(HTTP, URI.create("http://127.0.0.1:" + port + "/api/sse/stream" + query), headers);
    }

    /** A ChannelAuthorizer bean decides the grants; the ssemux.grants.* properties no longer apply. */
    @Nested
    @SpringBootTest(
            classes = {TestApp.class, AppGrants.Config.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.main.web-application-type=servlet",
                "ssemux.grants.subscribe=jobs",
                "ssemux.heartbeat=1s" // a servlet container notices a client gone at its next write
            })
    class AppGrants {
        @TestConfiguration(proxyBeanMethods = false)
        static class Config {
            @Bean
            ChannelAuthorizer projects() {
                return user -> user.getName().equals("alice")
                        ? new Grants(List.of("project:acme:*"), List.of(), false)
                        : Grants.none();
            }
        }

        @LocalServerPort
        int port;

        @Autowired
        Hub hub;

        @Autowired
        MeterRegistry meters;

        @Test
        void theAppsAuthorizerGrantsItsChannelsAndTheMetersCountTheStream() throws Exception {
            HttpResponse<InputStream> alice =
                    open(port, "?channels=project:acme:board", "Authorization", StarterContract.basic("alice"));
            HttpResponse<InputStream> bob =
                    open(port, "?channels=project:acme:board", "Authorization", StarterContract.basic("bob"));
            HttpResponse<InputStream> propertyGrant =
                    open(port, "?channels=jobs", "Authorization", StarterContract.basic("alice"));

            assertThat(alice.statusCode()).isEqualTo(200);
            assertThat(bob.statusCode()).isEqualTo(403);
            assertThat(propertyGrant.statusCode()).isEqualTo(403);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(
                                    meters.get("ssemux.streams.open").gauge().value())
                            .isEqualTo(1.0));
            alice.body().close();
            bob.body().close();
            propertyGrant.body().close();
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().connections() == 0);
        }
    }

    /** An ssemux Authenticator bean reads the request instead of the Spring principal (WebFlux here). */
    @Nested
    @SpringBootTest(
            classes = {TestApp.class, OwnAuthenticator.Config.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.main.web-application-type=reactive", "test.open-paths=/api/sse/**"})
    class OwnAuthenticator {
        @TestConfiguration(proxyBeanMethods = false)
        static class Config {
            @Bean
            Authenticator apiKeys() {
                return request -> {
                    if ("key-of-carol".equals(request.header("X-Api-Key"))) {
                        return Principal.of("carol", new Grants(List.of("jobs"), List.of(), false));
                    }
                    throw SsemuxException.unauthorized("X-Api-Key: unknown (expected: a key this app issued)");
                };
            }
        }

        @LocalServerPort
        int port;

        @Autowired
        Hub hub;

        @Test
        void theAppsAuthenticatorSaysWhoTheRequestIs() throws Exception {
            HttpResponse<InputStream> carol = open(port, "?channels=jobs", "X-Api-Key", "key-of-carol");
            HttpResponse<InputStream> stranger = open(port, "?channels=jobs", "X-Api-Key", "guess");

            assertThat(carol.statusCode()).isEqualTo(200);
            assertThat(stranger.statusCode()).isEqualTo(401);
            assertThat(new String(stranger.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("X-Api-Key: unknown");
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.connectionsOf("carol") == 1);
            carol.body().close();
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().connections() == 0);
        }
    }
}
