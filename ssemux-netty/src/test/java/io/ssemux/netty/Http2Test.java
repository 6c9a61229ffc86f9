package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
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
    void anHttp2StreamThatStopsReadingIsCutAsASlowConsumerWhileItsNeighbourOnTheConnectionGoesOn() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (Hub hub = Hub.builder().build();
                SsemuxServer server = SsemuxServer.builder(hub)
                        .port(0)
                        .outboundLimitBytes(16 * 1024)
                        .build()
                        .start()) {
            // One h2c connection whose streams get 4 KiB of window each: the reading one gives it
            // back as it reads, the stalled one never reads, as a tab that no longer reads does.
            Channel connection = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline()
                                    .addLast(Http2FrameCodecBuilder.forClient()
                                            .initialSettings(Http2Settings.defaultSettings()
                                                    .initialWindowSize(4096))
                                            .build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    })
                    .connect("127.0.0.1", server.port())
                    .sync()
                    .channel();
            List<String> read = new java.util.concurrent.CopyOnWriteArrayList<>();
            Http2StreamChannel reading = open(connection, server.port(), "reader", true, read);
            open(connection, server.port(), "stalled", false, new java.util.concurrent.CopyOnWriteArrayList<>());
            await().atMost(BOUND).until(() -> hub.stats().connections() == 2);
            String data = "\"" + "x".repeat(8 * 1024) + "\"";

            // At the reader's pace, so that it never falls behind: the stalled one does, by 8 KiB an event.
            for (int i = 1; i <= 40; i++) {
                hub.publish("bulk", "chunk", data);
                int expected = i;
                await().atMost(BOUND).until(() -> chunks(read) == expected);
            }

            await().atMost(BOUND).until(() -> hub.stats().slowConsumerDisconnects() == 1);
            assertThat(hub.connectionsOf("stalled")).isZero();
            assertThat(hub.connectionsOf("reader")).isEqualTo(1);
            assertThat(server.openSockets()).isEqualTo(1); // the stream was cut, not the connection
            assertThat(reading.isActive()).isTrue();
            connection.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static int chunks(List<String> read) {
        return String.join("", read).split("event: chunk", -1).length - 1;
    }

    /** Opens a stream on an HTTP/2 connection; a reading one appends the bytes it gets to {@code read}. */
    private static Http2StreamChannel open(Channel connection, int port, String user, boolean reads, List<String> read)
            throws Exception {
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2DataFrame frame) {
                            read.add(frame.content().toString(StandardCharsets.UTF_8));
                        }
                        ReferenceCountUtil.release(msg);
                    }
                })
                .open()
                .sync()
                .getNow();
        stream.config().setAutoRead(reads); // a channel that does not read returns no window
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .method("GET")
                                .scheme("http")
                                .authority("127.0.0.1:" + port)
                                .path("/api/sse/stream?channels=bulk&user=" + user),
                        true))
                .sync();
        return stream;
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

    @Test
    void withoutHttp2EveryConnectionIsHttp11OnTlsAndOnThePlainPort() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        HttpClient https = HttpClient.newBuilder()
                .sslContext(certificate.clientContext())
                .version(HttpClient.Version.HTTP_2)
                .build();
        try (Hub hub = Hub.builder().build();
                SsemuxServer tls = SsemuxServer.builder(hub)
                        .port(0)
                        .http2(false)
                        .tls(certificate.certificate(), certificate.privateKey())
                        .build()
                        .start();
                SsemuxServer plain =
                        SsemuxServer.builder(hub).port(0).http2(false).build().start()) {
            HttpResponse<String> overTls = https.send(
                    java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port() + "/healthz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String priorKnowledge = curl("--http2-prior-knowledge", "http://127.0.0.1:" + plain.port() + "/healthz");

            assertThat(overTls.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(overTls.statusCode()).isEqualTo(200);
            assertThat(priorKnowledge).doesNotStartWith("HTTP/2");
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
