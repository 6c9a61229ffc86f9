package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.ssemux.core.Hub;
import io.ssemux.core.sse.SseMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportDeliversInOrderAndNoticesAClientLeaving(String transport) {
        ServerExtension server = new ServerExtension().server(s -> s.transport(transport));
        server.start();
        try {
            try (TestStream first = server.stream("a", "jobs");
                    TestStream second = server.stream("b", "jobs")) {
                first.connected();
                second.connected();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    ids.add(server.publish("jobs", "job_completed", "{\"n\":" + i + "}")
                            .get("id")
                            .asText());
                }
                assertThat(first.next(50)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
                assertThat(second.next(50)).extracting(SseMessage::data).endsWith("{\"n\":49}");
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(server.hub().stats().connections()).isZero());
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportCutsAClientThatStopsReading(String transport) throws IOException {
        ServerExtension server =
                new ServerExtension().server(s -> s.transport(transport).outboundLimitBytes(64 * 1024));
        server.start();
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalled.getOutputStream()
                    .write("GET /api/sse/stream?user=stalled&channels=jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            Hub hub = server.hub();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.stats().connections() == 1);
            String payload = "\"" + "x".repeat(4096) + "\"";
            for (int published = 0; published < 5_000 && hub.stats().slowConsumerDisconnects() == 0; published++) {
                hub.publish("jobs", "chunk", payload);
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(hub.stats().slowConsumerDisconnects()).isEqualTo(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.stats().connections() == 0);
        } finally {
            server.stop();
        }
    }

    @Test
    void aNativeTransportThisMachineCannotLoadFallsBackToTheNextBest() {
        String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub)
                        .port(0)
                        .transport("io-uring")
                        .build()
                        .start()) {
            assertThat(server.transport()).isEqualTo(expected);
        }
    }

    @Test
    void autoIsEpollWhereItLoads() {
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub).port(0).build().start()) {
            assertThat(server.transport()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
        }
    }

    @Test
    void refusesAnUnknownTransport() {
        try (Hub hub = Hub.builder().build()) {
            assertThatThrownBy(() -> SsemuxServer.builder(hub).transport("kqueue"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("transport: 'kqueue' (expected: auto, io_uring, epoll or nio)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void twoServersWithReusePortShareOnePortAndEachServesStreams(String transport) throws IOException {
        try (Hub hubA = Hub.builder().build();
                Hub hubB = Hub.builder().build();
                SsemuxServer a = SsemuxServer.builder(hubA)
                        .port(0)
                        .transport(transport)
                        .reusePort(true)
                        .build()
                        .start();
                SsemuxServer b = SsemuxServer.builder(hubB)
                        .port(a.port())
                        .transport(transport)
                        .reusePort(true)
                        .build()
                        .start()) {
            assertThat(b.port()).isEqualTo(a.port());
            // The kernel spreads connections over both by their address: each gets some of 200.
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", a.port()), 5_000);
                    sockets.add(socket);
                }
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() ->
                                assertThat(a.openSockets() + b.openSockets()).isEqualTo(200));
                assertThat(a.openSockets()).isPositive();
                assertThat(b.openSockets()).isPositive();
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void withoutReusePortASecondServerCannotBindTheSamePort() {
        try (Hub hubA = Hub.builder().build();
                Hub hubB = Hub.builder().build();
                SsemuxServer a = SsemuxServer.builder(hubA).port(0).build().start()) {
            SsemuxServer.Builder second = SsemuxServer.builder(hubB).port(a.port());
            assertThatThrownBy(() -> second.build().start()).hasMessageContaining("Address already in use");
        }
    }
}
