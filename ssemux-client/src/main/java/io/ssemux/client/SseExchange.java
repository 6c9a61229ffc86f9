package io.ssemux.client;

import io.ssemux.core.sse.JsonText;
import io.ssemux.core.time.Scheduler;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One HTTP exchange for an event stream: sends the request and classifies the response. A
 * {@code 200 text/event-stream} is a stream, whose bytes go to a {@link Sink} with Flow demand; any
 * other answer is a {@link Refused refusal}, described by its status, the {@code message} of its JSON
 * error body and its {@code Retry-After} (seconds or an HTTP date). Knows nothing of what the events mean.
 *
 * <p>Threads: the response and the bytes arrive on the HTTP client's threads; {@link #cancel} may be
 * called from any thread. Thread-safe.
 */
final class SseExchange {
    private static final int ERROR_BODY_LIMIT = 16 * 1024;

    /** Where the bytes of a stream go, on the HTTP client's threads, one call at a time. */
    interface Sink {
        /** The response is an event stream; its bytes follow. Called before the first {@link #bytes}. */
        void opened();

        /** Bytes of the stream: the next ones are read when the returned stage completes (Flow demand). */
        CompletionStage<?> bytes(List<ByteBuffer> buffers);

        /** The stream ended: {@code cause} is {@code null} when the server closed it cleanly. */
        void ended(Throwable cause);
    }

    /** How the server answered. */
    sealed interface Answer permits Streaming, Refused {}

    /** An event stream: its bytes go to the sink. */
    enum Streaming implements Answer {
        STREAMING
    }

    /**
     * Not an event stream.
     *
     * @param error      the status and the server's message
     * @param retryable  429 and 5xx: worth another try; anything else is final
     * @param retryAfter the server's {@code Retry-After} of a retryable refusal, or {@code null}
     */
    record Refused(SseClientException error, boolean retryable, Duration retryAfter) implements Answer {}

    private final HttpRequest request;
    private final Sink sink;
    private final Scheduler scheduler;
    private final Duration bodyTimeout;
    private final Clock clock;
    private final CompletableFuture<HttpResponse<Answer>> response;
    private StreamBody stream; // guarded by this
    private boolean cancelled; // guarded by this

    private SseExchange(
            HttpClient http, HttpRequest request, Sink sink, Scheduler scheduler, Duration bodyTimeout, Clock clock) {
        this.request = request;
        this.sink = sink;
        this.scheduler = scheduler;
        this.bodyTimeout = bodyTimeout;
        this.clock = clock;
        this.response = http.sendAsync(request, this::classify);
    }

    /**
     * Sends {@code request}; returns at once.
     *
     * @param bodyTimeout the longest wait for the body of a refusal (its message)
     * @param clock       the wall clock that an HTTP-date {@code Retry-After} is measured against
     */
    static SseExchange send(
            HttpClient http, HttpRequest request, Sink sink, Scheduler scheduler, Duration bodyTimeout, Clock clock) {
        return new SseExchange(http, request, sink, scheduler, bodyTimeout, clock);
    }

    /** Completes with the answer once its headers (and, for a refusal, its body) are in; fails on an I/O error. */
    CompletableFuture<Answer> answer() {
        return response.thenApply(HttpResponse::body);
    }

    /** Aborts the exchange, or stops reading the stream; idempotent. */
    void cancel() {
        StreamBody body;
        synchronized (this) {
            cancelled = true;
            body = stream;
        }
        response.cancel(true);
        if (body != null) {
            body.cancel();
        }
    }

    /** Chooses how to read the response, once its status and headers are known. On an HTTP client thread. */
    private HttpResponse.BodySubscriber<Answer> classify(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        String contentType = info.headers().firstValue("Content-Type").orElse(null);
        if (status == 200 && isEventStream(contentType)) {
            StreamBody body = new StreamBody();
            boolean cancel;
            synchronized (this) {
                stream = body;
                cancel = cancelled;
            }
            if (cancel) {
                body.cancel();
            } else {
                sink.opened();
            }
            return body;
        }
        String what = "GET " + request.uri();
        boolean retryable = status == 429 || status >= 500;
        Duration retryAfter = retryable
                ? info.headers()
                        .firstValue("Retry-After")
                        .map(value -> parseRetryAfter(value, clock.instant()))
                        .orElse(null)
                : null;
        return new ErrorBody(text -> new Refused(
                status == 200
                        ? new SseClientException(
                                200,
                                what + ": 200 with Content-Type "
                                        + (contentType == null ? "none" : "'" + contentType + "'")
                                        + " (expected: text/event-stream)",
                                null)
                        : refusal(what, status, text),
                retryable,
                retryAfter));
    }

    private static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.equalsIgnoreCase("text/event-stream");
    }

    /** Seconds ({@code 120}) or an HTTP date, as a delay from {@code now}; {@code null} if neither. */
    static Duration parseRetryAfter(String value, Instant now) {
        String v = value.trim();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return v.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(
                    now,
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Hands the stream's bytes to the sink, asking for more when the sink's stage completes. */
    private final class StreamBody implements HttpResponse.BodySubscriber<Answer> {
        private Flow.Subscription upstream; // guarded by this
        private boolean stopped; // guarded by this

        @Override
        public CompletionStage<Answer> getBody() {
            return CompletableFuture.completedFuture(Streaming.STREAMING); // the answer is in; bytes follow
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (this) {
                if (stopped) {
                    s.cancel();
                    return;
                }
                upstream = s;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            synchronized (this) {
                if (stopped) {
                    return;
                }
            }
            sink.bytes(buffers).whenComplete((ignored, failure) -> {
                Flow.Subscription s;
                synchronized (this) {
                    s = stopped ? null : upstream;
                }
                if (s != null) {
                    s.request(1);
                }
            });
        }

        @Override
        public void onError(Throwable throwable) {
            sink.ended(throwable);
        }

        @Override
        public void onComplete() {
            sink.ended(null);
        }

        void cancel() {
            Flow.Subscription s;
            synchronized (this) {
                stopped = true;
                s = upstream;
            }
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Keeps the start of a refusal's body, for its message, waiting for it at most the body timeout. */
    private final class ErrorBody implements HttpResponse.BodySubscriber<Answer> {
        private final Function<String, Answer> answer;
        private final CompletableFuture<Answer> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // guarded by this
        private Flow.Subscription upstream; // guarded by this
        private Scheduler.Cancellable timer; // guarded by this
        private boolean done; // guarded by this

        ErrorBody(Function<String, Answer> answer) {
            this.answer = answer;
            Scheduler.Cancellable t;
            try {
                t = scheduler.schedule(bodyTimeout, this::finish);
            } catch (RejectedExecutionException e) {
                t = () -> {}; // the client is closing: nobody waits for the answer
            }
            synchronized (this) {
                if (done) {
                    t.cancel();
                } else {
                    timer = t;
                }
            }
        }

        @Override
        public CompletionStage<Answer> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (this) {
                if (done) {
                    s.cancel();
                    return;
                }
                upstream = s;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            boolean full;
            Flow.Subscription s;
            synchronized (this) {
                if (done) {
                    return;
                }
                for (ByteBuffer buffer : buffers) {
                    int n = Math.min(buffer.remaining(), ERROR_BODY_LIMIT - bytes.size());
                    byte[] chunk = new byte[n];
                    buffer.get(chunk);
                    bytes.writeBytes(chunk);
                }
                full = bytes.size() >= ERROR_BODY_LIMIT;
                s = upstream;
            }
            if (full) {
                finish();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        /** Answers with what was read; stops reading. Idempotent; on an HTTP thread or the scheduler's. */
        private void finish() {
            String text;
            Scheduler.Cancellable t;
            Flow.Subscription s;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                text = bytes.toString(StandardCharsets.UTF_8);
                t = timer;
                s = upstream;
            }
            if (t != null) {
                t.cancel();
            }
            if (s != null) {
                s.cancel(); // no-op when the body is complete
            }
            result.complete(answer.apply(text));
        }
    }

    // ---- messages ----

    /** A refusal, with the {@code message} of the server's JSON error body when it has one. */
    static SseClientException refusal(String what, int status, String body) {
        String detail = body.strip();
        try {
            Map<String, Object> json = JsonText.object(detail);
            String message = JsonText.string(json, "message");
            String code = JsonText.string(json, "error");
            if (message != null) {
                detail = (code == null ? "" : code + ": ") + message;
            }
        } catch (IllegalArgumentException e) {
            // Not a JSON error body (a proxy's page, say): its start is the best description.
        }
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "…";
        }
        return new SseClientException(status, what + ": " + status + (detail.isEmpty() ? "" : " " + detail), null);
    }

    /** An I/O failure, unwrapped from the future that carried it. */
    static SseClientException ioError(String what, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SseClientException e) {
            return e;
        }
        String message = cause.getMessage();
        return new SseClientException(
                0, what + ": " + cause.getClass().getSimpleName() + (message == null ? "" : ": " + message), cause);
    }
}
