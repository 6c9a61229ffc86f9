package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One stream read by a test over a real socket, parsed by ssemux's own parser on a reader thread;
 * events queue up until the test takes them.
 */
final class RawStream implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<SseMessage> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private RawStream(HttpResponse<InputStream> response) {
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
        Thread reader = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = response.body()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            parser.feed(buffer, 0, n);
                        }
                    } catch (IOException e) {
                        // closed by the test or cut by the server
                    } finally {
                        ended.countDown();
                    }
                },
                "test-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri} with these header name/value pairs; the stream's response must be 200. */
    static RawStream open(HttpClient http, URI uri, String... headers) {
        HttpResponse<InputStream> response = get(http, uri, headers);
        assertThat(response.statusCode()).as("status of %s", uri).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        return new RawStream(response);
    }

    static HttpResponse<InputStream> get(HttpClient http, URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event; fails after {@link #WAIT}. */
    SseMessage next() {
        try {
            SseMessage message = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("an event within %s", WAIT).isNotNull();
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event that is not one of the hub's own control events ({@code connected}, …). */
    SseMessage nextOfType(String type) {
        while (true) {
            SseMessage message = next();
            if (message.type().equals(type)) {
                return message;
            }
        }
    }

    List<String> comments() {
        return comments;
    }

    /** Whether the server ended the stream within {@link #WAIT}. */
    boolean awaitEnd() throws InterruptedException {
        return ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
