package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ssemux.core.Hub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams over HTTP/2: h2 through ALPN on TLS, h2c with prior knowledge on the plain port. */
class Http2Test {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void manyStreamsShareOneTlsConnectionNegotiatedAsHttp2() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        HttpClient https = HttpClient.newBuilder()
                .sslContext(certificate.clientContext())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub)
                        .port(0)
                        .tls(certificate.certificate(), certificate.privateKey())
                        .build()
                        .start()) {
            URI base = URI.create("https://127.0.0.1:" + server.port());
            List<TestStream> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestStream stream =
                        TestStream.open(https, base.resolve("/api/sse/stream?user=u" + i + "&channels=jobs"));
                stream.connected();
                streams.add(stream);
            }

            hub.publish("jobs", "job_completed", "{\"id\":1}");

            for (TestStream stream : streams) {
                assertThat(stream.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(stream.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
                assertThat(stream.next().data()).isEqualTo("{\"id\":1}");
            }
            assertThat(hub.stats().connections()).isEqualTo(20);
            assertThat(server.openSockets()).isEqualTo(1);

            streams.forEach(TestStream::close);
            await().atMost(BOUND).until(() -> hub.stats().connections() == 0);
        }
    }

    @Test
    void anHttp2StreamThatStopsReadingIsCutAsASlowConsumerWhileItsNeighbourGoesOn() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        HttpClient https = HttpClient.newBuilder()
                .sslContext(certificate.clientContext())
                .version(HttpClient.Version.HTTP_2)
                .build();
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub)
                        .port(0)
                        .outboundLimitBytes(16 * 1024)
                        .tls(certificate.certificate(), certificate.privateKey())
                        .build()
                        .start()) {
            URI base = URI.create("https://127.0.0.1:" + server.port());
            TestStream reading = TestStream.open(https, base.resolve("/api/sse/stream?user=reader&channels=bulk"));
            reading.connected();
            // The stalled stream takes its first bytes, then never asks for more: the client stops
            // granting it flow-control window, as a browser tab that no longer reads does.
            java.util.concurrent.CompletableFuture<HttpResponse<Void>> stalled = https.sendAsync(
                    java.net.http.HttpRequest.newBuilder(base.resolve("/api/sse/stream?user=stalled&channels=bulk"))
                            .build(),
                    HttpResponse.BodyHandlers.fromSubscriber(
                            new java.util.concurrent.Flow.Subscriber<List<java.nio.ByteBuffer>>() {
                                @Override
                                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                                    subscription.request(1);
                                }

                                @Override
                                public void onNext(List<java.nio.ByteBuffer> item) {}

                                @Override
                                public void onError(Throwable throwable) {}

                                @Override
                                public void onComplete() {}
                            }));
            await().atMost(BOUND).until(() -> hub.stats().connections() == 2);
            String data = "\"" + "x".repeat(8 * 1024) + "\"";

            for (int i = 0; i < 40; i++) {
                hub.publish("bulk", "chunk", data);
            }

            await().atMost(BOUND).until(() -> hub.stats().slowConsumerDisconnects() == 1);
            assertThat(reading.next(40))
                    .hasSize(40)
                    .allSatisfy(m -> assertThat(m.data()).isEqualTo(data));
            assertThat(hub.connectionsOf("reader")).isEqualTo(1);
            assertThat(hub.connectionsOf("stalled")).isZero();
            assertThat(server.openSockets()).isEqualTo(1); // the stream was cut, not the connection
            assertThat(stalled.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            reading.close();
        }
    }

    @Test
    void thePlainPortSpeaksH2cWithPriorKnowledgeAndHttp11Alike() throws Exception {
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub).port(0).build().start()) {
            String base = "http://127.0.0.1:" + server.port();
            Process stream = new ProcessBuilder(
                            "curl",
                            "-sS",
                            "-i",
                            "-N",
                            "--http2-prior-knowledge",
                            "-m",
                            "5",
                            base + "/api/sse/stream?user=alice&channels=jobs")
                    .redirectErrorStream(true)
                    .start();
            await().atMost(BOUND).until(() -> hub.stats().connections() == 1);
            String published = curl(
                    "--http2-prior-knowledge",
                    "-H",
                    "Content-Type: application/json",
                    "-d",
                    "{\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":7}}",
                    base + "/api/sse/publish?user=bob");
            String http11 = curl("--http1.1", base + "/healthz");

            assertThat(stream.waitFor(10, TimeUnit.SECONDS)).isTrue(); // curl's -m 5 ends it
            String output = new String(stream.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output).startsWith("HTTP/2 200").contains("event: connected", "data: {\"id\":7}");
            assertThat(published).startsWith("HTTP/2 202").contains("\"delivered\":1");
            assertThat(http11).startsWith("HTTP/1.1 200").contains("{\"status\":\"ok\"}");
        }
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "-m", "5"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
