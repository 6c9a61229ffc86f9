package io.ssemux.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.testing.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole HTTP pipeline of {@link ServerInitializer}, in an {@link EmbeddedChannel}. */
class StreamUpgradeHandlerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Hub hub =
            Hub.builder().scheduler(scheduler).clock(scheduler.clock()).build();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ServerInitializer(
            hub,
            Authenticator.development(),
            Map.of(),
            Map.of(),
            Map.of(),
            new UploadFiles(null),
            1024,
            null,
            null,
            true, // HTTP/2 on: a plain connection is read by PriorKnowledge first
            new HttpLimits(4096, 8192, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(75), 100),
            true,
            Duration.ZERO,
            new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE)));

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void streamUpgradeLeavesOnlyTheStreamHandlerInThePipeline() {
        channel.writeInbound(
                ascii("GET /api/sse/stream?user=a&channels=jobs HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"));

        channel.runPendingTasks(); // the hub's opening frames, queued on the event loop

        assertThat(channel.pipeline().toMap().values()).singleElement().isInstanceOf(SseStreamHandler.class);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
                + "X-Accel-Buffering: no\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
        assertThat(readOutbound())
                .startsWith(head + "76\r\nretry: 3000\nevent: connected\ndata: {\"connectionId\":")
                .endsWith("\"channels\":[\"jobs\"],\"heartbeatSeconds\":30}\n\n\r\n");
        assertThat(hub.stats().connections()).isEqualTo(1);

        assertThat(channel.finishAndReleaseAll()).isFalse();
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void refusedStreamAnswersJsonAndClosesTheConnection() {
        channel.writeInbound(ascii("GET /api/sse/stream?user=a&format=xml HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"));

        assertThat(readOutbound())
                .startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("connection: close\r\n", "expected: plain or envelope");
        assertThat(channel.isOpen()).isFalse();
        assertThat(hub.stats().connections()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** Everything written so far, as text. */
    private String readOutbound() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            text.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return text.toString();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
