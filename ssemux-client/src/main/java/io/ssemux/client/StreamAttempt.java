package io.ssemux.client;

import io.ssemux.core.Event;
import io.ssemux.core.sse.ControlEvents;
import io.ssemux.core.sse.JsonText;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * One connection of a client, from the request to the end of its stream: sends the request, reads
 * the stream into the shared {@link ResumableParser}, watches it for silence, and says how it ended
 * ({@link Outcome}) so the client can decide what comes next.
 *
 * <p>Threads: {@link #run} blocks the client's connection thread until the end; the response and
 * its bytes arrive on the HTTP client's threads, which parse them and call the {@link Listener} in
 * stream order; {@link #cancel} may be called from any thread.
 */
final class StreamAttempt implements SseListener {
    private static final System.Logger LOG = System.getLogger(SseClient.class.getName());
    private static final int ERROR_BODY_LIMIT = 16 * 1024;

    /** What a connection reports to its client, on the thread that parses, in stream order. */
    interface Listener {
        /** The {@code connected} event: the stream is open. */
        void connected(StreamAttempt attempt, String connectionId, List<String> channels);

        /** An application event. */
        void event(Event event);

        /** The server could not resume. */
        void reset(Reset reset);

        /** The server's {@code retry:} field. */
        void retry(Duration delay);
    }

    /** How a connection ended. */
    enum End {
        /** The client was closed. */
        CANCELLED,
        /** The server sent {@code evicted}: another connection of the user replaced this one. */
        EVICTED,
        /** The server refused in a way that retrying cannot fix. */
        FATAL,
        /** The stream ended or could not start; try again. */
        RETRY
    }

    /**
     * How a connection ended.
     *
     * @param end        what kind of end
     * @param error      what went wrong, {@code null} for a clean end (cancelled, evicted, closed by the server)
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     * @param healthy    the stream delivered an event or stayed open long enough: backoff may start over
     */
    record Outcome(End end, SseClientException error, Duration retryAfter, boolean healthy) {}

    private final HttpClient http;
    private final Function<String, HttpRequest> requestFor;
    private final ResumableParser parser;
    private final Listener listener;
    private final long connectTimeoutNanos;
    private final double deadAfterHeartbeats;
    private final long healthyAfterNanos;

    private volatile long lastByteNanos;
    private volatile boolean paused; // reading held back while the handlers catch up: not a dead stream
    private HttpRequest request; // set by run, before anything reads it

    // Guarded by this.
    private boolean cancelled;
    private boolean responded;
    private Throwable failure;
    private int status;
    private String contentType;
    private Duration retryAfter;
    private CompletableFuture<String> errorBody;
    private Flow.Subscription subscription;
    private final Dispatcher dispatcher;
    private boolean stopped;
    private boolean ended;
    private Throwable endCause;
    private boolean evicted;
    private Duration heartbeat;
    private long connectedNanos;
    private boolean delivered;

    /**
     * @param requestFor the request to send, given the last event id to resume after ({@code ""}: none)
     */
    StreamAttempt(HttpClient http, Function<String, HttpRequest> requestFor, ResumableParser parser, Listener listener,
                  Dispatcher dispatcher, Duration connectTimeout, double deadAfterHeartbeats, Duration healthyAfter) {
        this.http = http;
        this.dispatcher = dispatcher;
        this.requestFor = requestFor;
        this.parser = parser;
        this.listener = listener;
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.deadAfterHeartbeats = deadAfterHeartbeats;
        this.healthyAfterNanos = healthyAfter.toNanos();
    }

    /** Connects and reads until the stream ends, is found dead or {@link #cancel cancelled}. On the connection thread. */
    Outcome run() {
        request = requestFor.apply(parser.attach(this));
        synchronized (this) {
            if (cancelled) {
                parser.detach(this);
                return new Outcome(End.CANCELLED, null, null, false);
            }
        }
        lastByteNanos = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request, this::body);
        response.whenComplete((r, e) -> {
            synchronized (this) {
                responded = true;
                failure = e;
                notifyAll();
            }
        });
        try {
            return awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(End.CANCELLED, null, null, false);
        } finally {
            response.cancel(true); // aborts the exchange if the response has not come yet
            stop();
        }
    }

    /** Ends the attempt from any thread; {@link #run} returns {@link End#CANCELLED} promptly. */
    synchronized void cancel() {
        cancelled = true;
        notifyAll();
    }

    private synchronized Outcome awaitEnd() throws InterruptedException {
        while (!responded && !cancelled) {
            wait(); // the request's timeout bounds the wait for the response headers
        }
        if (cancelled) {
            return new Outcome(End.CANCELLED, null, null, false);
        }
        if (failure != null) {
            return new Outcome(End.RETRY, ioError("GET " + request.uri(), failure), null, false);
        }
        if (errorBody != null) {
            return refused();
        }
        boolean dead = false;
        while (!ended && !cancelled) {
            long limit = heartbeat == null ? connectTimeoutNanos : (long) (heartbeat.toNanos() * deadAfterHeartbeats);
            long idle = paused ? 0 : System.nanoTime() - lastByteNanos;
            if (idle >= limit) {
                dead = true;
                break;
            }
            waitNanos(limit - idle);
        }
        boolean healthy = delivered || (connectedNanos != 0 && System.nanoTime() - connectedNanos >= healthyAfterNanos);
        if (cancelled) {
            return new Outcome(End.CANCELLED, null, null, healthy);
        }
        if (evicted) {
            return new Outcome(End.EVICTED, null, null, healthy);
        }
        if (dead) {
            String why = heartbeat == null
                    ? "no connected event within " + seconds(connectTimeoutNanos)
                    : "no bytes for " + seconds(System.nanoTime() - lastByteNanos) + " (" + deadAfterHeartbeats
                      + " × the heartbeat of " + seconds(heartbeat.toNanos()) + "): the connection is dead";
            return new Outcome(End.RETRY, new SseClientException(0, why + ", reconnecting", null), null, healthy);
        }
        SseClientException error = endCause == null ? null : ioError("the stream of " + request.uri(), endCause);
        return new Outcome(End.RETRY, error, null, healthy);
    }

    /** The response was not a stream: wait for its body (bounded) and say why. Holds this. */
    private Outcome refused() throws InterruptedException {
        long deadline = System.nanoTime() + connectTimeoutNanos;
        while (!errorBody.isDone() && !cancelled && deadline - System.nanoTime() > 0) {
            waitNanos(deadline - System.nanoTime());
        }
        if (cancelled) {
            return new Outcome(End.CANCELLED, null, null, false);
        }
        String body = errorBody.getNow("");
        SseClientException error;
        if (status == 200) {
            error = new SseClientException(200, "GET " + request.uri() + ": 200 with Content-Type "
                    + (contentType == null ? "none" : "'" + contentType + "'") + " (expected: text/event-stream)", null);
        } else {
            error = refusal("GET " + request.uri(), status, body);
        }
        boolean retryable = status == 429 || status >= 500;
        return new Outcome(retryable ? End.RETRY : End.FATAL, error, retryable ? retryAfter : null, false);
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
        wait(millis);
    }

    /** Stops reading and lets the parser go; idempotent. */
    private void stop() {
        Flow.Subscription s;
        synchronized (this) {
            stopped = true;
            s = subscription;
        }
        parser.detach(this);
        if (s != null) {
            s.cancel();
        }
    }

    /** Chooses how to read the response, once its status and headers are known. On an HTTP client thread. */
    private HttpResponse.BodySubscriber<Void> body(HttpResponse.ResponseInfo info) {
        String type = info.headers().firstValue("Content-Type").orElse(null);
        synchronized (this) {
            status = info.statusCode();
            contentType = type;
            retryAfter = info.headers().firstValue("Retry-After").map(StreamAttempt::parseRetryAfter).orElse(null);
            if (status == 200 && isEventStream(type)) {
                return new StreamBody();
            }
            ErrorBody body = new ErrorBody();
            errorBody = body.text;
            body.text.whenComplete((text, e) -> {
                synchronized (this) {
                    notifyAll(); // refused() waits for the body
                }
            });
            return body;
        }
    }

    private static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.equalsIgnoreCase("text/event-stream");
    }

    /** Seconds ({@code 120}) or an HTTP date; {@code null} if neither. */
    static Duration parseRetryAfter(String value) {
        String v = value.trim();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return v.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ---- the stream, parsed on the HTTP client's threads ----

    @Override
    public void onEvent(SseMessage message) {
        switch (message.type()) {
            case "connected" -> connected(message.data());
            case "reset" -> {
                ControlEvents.Reset reset = ControlEvents.Reset.parse(message.data());
                synchronized (this) {
                    delivered = true;
                }
                listener.reset(new Reset(reset.reason().isEmpty() ? "unknown" : reset.reason(), reset.lastEventId()));
            }
            case "evicted" -> {
                synchronized (this) {
                    evicted = true;
                    ended = true;
                    notifyAll();
                }
            }
            case "heartbeat" -> {
                // Only its bytes matter: they keep the stream from being taken for dead.
            }
            default -> {
                ControlEvents.Envelope envelope = message.type().equals("message")
                        ? ControlEvents.Envelope.parse(message.data()) : null;
                if (envelope == null) {
                    LOG.log(Level.WARNING, "ssemux client: event '" + message.type() + "' id '" + message.lastEventId()
                            + "' is not an unnamed {\"channel\":…,\"type\":…,\"data\":…} envelope; skipped");
                    return;
                }
                synchronized (this) {
                    delivered = true;
                }
                listener.event(new Event(message.lastEventId(), envelope.channel(), envelope.type(), envelope.data()));
            }
        }
    }

    private void connected(String json) {
        ControlEvents.Connected connected = ControlEvents.Connected.parse(json);
        synchronized (this) {
            heartbeat = connected.heartbeat();
            connectedNanos = System.nanoTime();
            notifyAll(); // the dead-connection limit changed
        }
        listener.connected(this, connected.connectionId(), connected.channels());
    }

    @Override
    public void onRetry(long millis) {
        listener.retry(Duration.ofMillis(millis));
    }

    private synchronized void end(Throwable cause) {
        if (!ended) {
            ended = true;
            endCause = cause;
        }
        notifyAll();
    }

    /** Reads the stream into the parser, one buffer list at a time. */
    private final class StreamBody implements HttpResponse.BodySubscriber<Void> {
        private Flow.Subscription upstream;

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null); // the response is handed over at once; bytes follow
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            synchronized (StreamAttempt.this) {
                if (stopped) {
                    s.cancel();
                    return;
                }
                subscription = s;
            }
            upstream = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            lastByteNanos = System.nanoTime();
            try {
                if (!parser.feed(StreamAttempt.this, buffers)) {
                    return; // given up already: stop() cancels the subscription
                }
            } catch (RuntimeException e) {
                // The stream is unusable (a line beyond the parser's limit, a malformed control event).
                upstream.cancel();
                end(e);
                return;
            }
            if (!dispatcher.backlogged()) {
                upstream.request(1);
                return;
            }
            paused = true;
            dispatcher.whenDrained(() -> {
                lastByteNanos = System.nanoTime();
                paused = false;
                upstream.request(1);
            });
        }

        @Override
        public void onError(Throwable throwable) {
            end(throwable);
        }

        @Override
        public void onComplete() {
            end(null);
        }
    }

    /** Keeps the start of a refusal's body, for its message. */
    private static final class ErrorBody implements HttpResponse.BodySubscriber<Void> {
        final CompletableFuture<String> text = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription upstream;

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            upstream = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), ERROR_BODY_LIMIT - bytes.size());
                byte[] chunk = new byte[n];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
            if (bytes.size() >= ERROR_BODY_LIMIT) {
                upstream.cancel();
                onComplete();
                return;
            }
            upstream.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            onComplete();
        }

        @Override
        public void onComplete() {
            text.complete(bytes.toString(StandardCharsets.UTF_8));
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
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SseClientException e) {
            return e;
        }
        String message = cause.getMessage();
        return new SseClientException(0, what + ": " + cause.getClass().getSimpleName()
                + (message == null ? "" : ": " + message), cause);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
