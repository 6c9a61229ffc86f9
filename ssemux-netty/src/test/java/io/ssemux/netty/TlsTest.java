package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Hub;
import io.ssemux.core.sse.SseMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
    @TempDir
    Path dir;

    @Test
    void servesTheApiAndStreamsOverHttpsWithTheConfiguredCertificate() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        HttpClient https = HttpClient.newBuilder()
                .sslContext(certificate.clientContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub)
                        .port(0)
                        .tls(certificate.certificate(), certificate.privateKey())
                        .build()
                        .start()) {
            URI base = URI.create("https://127.0.0.1:" + server.port());

            HttpResponse<String> health = https.send(
                    HttpRequest.newBuilder(base.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            try (TestStream stream = TestStream.open(https, base.resolve("/api/sse/stream?user=a&channels=jobs"))) {
                stream.connected();
                hub.publish("jobs", "job_completed", "{\"id\":1}");

                SseMessage event = stream.next();
                assertThat(event.type()).isEqualTo("job_completed");
                assertThat(event.data()).isEqualTo("{\"id\":1}");
            }
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesFilesThatAreNotACertificateAndItsKey() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        try (Hub hub = Hub.builder().build()) {
            assertThatThrownBy(() -> SsemuxServer.builder(hub).tls(junk, junk))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(
                            "tls: cannot use junk.pem and junk.pem (expected: a PEM certificate chain and its PEM private key)");
        }
    }
}
