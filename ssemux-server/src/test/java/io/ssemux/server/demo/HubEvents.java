package io.ssemux.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.SseSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a hub publishes, as one user subscribed to every channel they may read receives it (their
 * private channel included, other users' not): a sink parsed by ssemux's own SSE parser, events
 * queued until the test takes them.
 */
final class HubEvents implements SseSink {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<SseMessage> events = new LinkedBlockingQueue<>();
    private final SseParser parser = new SseParser(events::add);

    private HubEvents() {}

    /** Every channel {@code user} may read: the public ones and {@code user:<user>}. */
    static HubEvents of(Hub hub, String user) {
        HubEvents sink = new HubEvents();
        hub.connect(
                new ConnectRequest(
                        Principal.of(user, Grants.all()),
                        List.of("all", Grants.PRIVATE_PREFIX + user),
                        Format.PLAIN,
                        null,
                        "127.0.0.1"),
                sink);
        return sink;
    }

    /** The events received so far ({@code connected} skipped), without waiting. */
    List<SseMessage> received() {
        List<SseMessage> received = new ArrayList<>();
        events.drainTo(received);
        received.removeIf(message -> message.type().equals("connected"));
        return received;
    }

    /** The next published event (the {@code connected} event is skipped). */
    SseMessage next() throws InterruptedException {
        while (true) {
            SseMessage message = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no event within " + WAIT);
            }
            if (!message.type().equals("connected")) {
                return message;
            }
        }
    }

    /** The next event, which must be of {@code type}: its data. */
    JsonNode next(String type) throws InterruptedException {
        SseMessage message = next();
        if (!message.type().equals(type)) {
            throw new AssertionError("expected " + type + ", got " + message);
        }
        return json(message.data());
    }

    static JsonNode json(String text) {
        try {
            return DemoJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public synchronized void send(Frame frame) {
        ByteBuffer bytes = frame.asByteBuffer();
        parser.feed(bytes);
    }

    @Override
    public void flush() {}

    @Override
    public void close(Frame farewell) {}
}
