package io.ssemux.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One SSE stream read by a test over a real socket ({@code java.net.http}), parsed by ssemux's own
 * parser on a reader thread. Events queue up until the test takes them.
 */
public final class TestStream implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<SseMessage> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread reader;
    private volatile String lastEventId = "";

    private TestStream(HttpResponse<InputStream> response) {
        this.response = response;
        SseParser parser = new SseParser(new SseListener() {
            @Override
            public void onEvent(SseMessage message) {
                events.add(message);
            }

            @Override
            public void onComment(String comment) {
                comments.add(comment);
            }
        });
        this.reader = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = response.body()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            parser.feed(buffer, 0, n);
                            lastEventId = parser.lastEventId();
                        }
                    } catch (IOException e) {
                        // The stream was closed by the test or cut by the server.
                    } finally {
                        ended.countDown();
                    }
                },
                "test-stream");
        reader.setDaemon(true);
        reader.start();
    }

    static TestStream open(HttpClient http, URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return new TestStream(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    /** The HTTP version the stream was served over. */
    public HttpClient.Version version() {
        return response.version();
    }

    public Map<String, List<String>> headers() {
        return response.headers().map();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The next event, waiting for it; fails when none comes. */
    public SseMessage next() {
        try {
            SseMessage message = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no event within " + WAIT);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code n} events. */
    public List<SseMessage> next(int n) {
        List<SseMessage> taken = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            taken.add(next());
        }
        return taken;
    }

    /** Reads the {@code connected} event that opens every stream and returns its data. */
    public JsonNode connected() {
        SseMessage message = next();
        if (!message.type().equals("connected")) {
            throw new AssertionError("expected connected, got " + message);
        }
        return ServerExtension.json(message.data());
    }

    /** Events received and not yet taken, without waiting. */
    public List<SseMessage> pending() {
        List<SseMessage> drained = new ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    public List<String> comments() {
        return comments;
    }

    public String lastEventId() {
        return lastEventId;
    }

    /** Waits until the server ends the stream. */
    public boolean awaitEnd() {
        try {
            return ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
