package io.ssemux.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.UploadedFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of upload routes ({@link io.ssemux.netty.UploadHandler}) as their bodies
 * stream, in front of the aggregator, which never sees them. Every other request passes untouched.
 *
 * <pre>
 * p.addLast(new BodyLimit(routes));                       // still enforces the route's limit while reading
 * p.addLast(new MultipartUploadHandler(routes, router, authenticator));
 * p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * </pre>
 *
 * <p>An upload's head is judged before its body is read: {@link RequestRouter#refusal} (malformed,
 * foreign Host), the application's {@code accept}, the route's limit on uploads in flight (503
 * with {@code Retry-After}), a {@code multipart/form-data} type with a boundary. A refusal is
 * answered with {@code Connection: close} before the body is read: a refused body of at most
 * {@link #DRAIN_BYTES} is read and dropped, then answered; a larger one is answered at once and
 * then read and dropped until it ends ({@link #linger}), so that a client that sends its whole
 * body before it reads (a browser) gets the answer rather than a reset. With
 * {@code Expect: 100-continue} no body comes, and the connection closes at once. An accepted body goes through Netty's multipart
 * decoder, which writes each part past {@link UploadFiles#MEMORY_THRESHOLD} to a temporary file as
 * it arrives. Once the body has ended, the application's {@code handle} gets the form; the
 * connection reads nothing more until its stage completes, then the answer is written and the
 * form's files left there are deleted. A connection that closes mid-upload deletes them too.
 *
 * <p>Stateful: one instance per connection, never shared. Every method runs on the event loop
 * (a stage that completes elsewhere hops back to it); the decoder's disk writes are the only I/O,
 * one small write per read.
 */
final class MultipartUploadHandler extends ChannelInboundHandlerAdapter {
    /** A refused body up to this size is read and dropped before the answer; a larger one is never read. */
    static final int DRAIN_BYTES = 64 * 1024;

    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** A refused body is dropped while its bytes keep coming at least this often, as nginx's lingering_timeout. */
    static final Duration LINGER_TIMEOUT = Duration.ofSeconds(5);

    /** ... and for at most this long in all, as nginx's lingering_time. */
    static final Duration LINGER_TIME = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(MultipartUploadHandler.class);
    private static final int MAX_PARTS = 16;
    private static final int MAX_BUFFERED_BYTES = 16 * 1024;

    private enum State {
        /** Between requests, or passing a request that is not an upload. */
        IDLE,
        /** Streaming an accepted upload's body into the decoder. */
        RECEIVING,
        /** Dropping the rest of a refused body; the answer waits in {@link #pendingAnswer} when the body is small. */
        DROPPING,
        /** The body has ended; the application's stage is running. */
        HANDLING
    }

    private final Routes routes;
    private final RequestRouter router;
    private final Authenticator authenticator;
    private State state = State.IDLE;
    private ChannelHandlerContext ctx;
    private UploadRoute route;
    private NettyRequest head;
    private HttpPostMultipartRequestDecoder decoder;
    private FullHttpResponse pendingAnswer;
    private boolean lingering; // answered already; the connection closes once the refused body has ended
    private long lingerDeadline; // lingering ends by this System.nanoTime() whatever comes
    private ScheduledFuture<?> lingerTimer;
    private boolean closed;

    MultipartUploadHandler(Routes routes, RequestRouter router, Authenticator authenticator) {
        this.routes = routes;
        this.router = router;
        this.authenticator = authenticator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (state != State.IDLE) {
                abort(); // a new request before the last body ended: that body was cut short (refused by BodyLimit)
            }
            UploadRoute upload = uploadRoute(request);
            if (upload == null) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                start(request, upload);
            } finally {
                ReferenceCountUtil.release(request);
            }
        } else if (msg instanceof HttpContent content && state != State.IDLE) {
            try {
                content(content);
            } finally {
                content.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** The upload route of {@code request}, or {@code null} for a request that goes on to the aggregator. */
    private UploadRoute uploadRoute(HttpRequest request) {
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            return null; // RequestRouter answers 400, after a body of at most the server's limit
        }
        Routes.Route found = routes.find(path);
        return found == null ? null : found.upload();
    }

    private void start(HttpRequest request, UploadRoute upload) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        FullHttpResponse refusal = router.refusal(request, query);
        if (refusal != null) {
            refuse(request, refusal);
            return;
        }
        head = new NettyRequest(ctx, headOnly(request), query, authenticator, Endpoint.APPLICATION, null);
        RouteResponse answer;
        try {
            answer = upload.handler().accept(head);
        } catch (Exception e) {
            refuse(request, failure(e));
            return;
        }
        if (answer != null) {
            refuse(request, response(answer));
            return;
        }
        if (!upload.tryAcquire()) {
            refuse(
                    request,
                    Responses.error(SsemuxException.unavailable(
                            "uploads: " + upload.maxInFlight() + " in flight (expected: fewer; try again shortly)",
                            RETRY_AFTER)));
            return;
        }
        route = upload;
        try {
            if (!HttpPostRequestDecoder.isMultipart(request)) {
                throw new IllegalArgumentException("Content-Type "
                        + Names.quote(request.headers().get(HttpHeaderNames.CONTENT_TYPE)) + ": no boundary");
            }
            decoder = new HttpPostMultipartRequestDecoder(
                    upload.files().newFactory(routes.maxBodyBytes(head.path())),
                    request,
                    StandardCharsets.UTF_8,
                    MAX_PARTS,
                    MAX_BUFFERED_BYTES);
            decoder.setDiscardThreshold(MAX_BUFFERED_BYTES); // else the decoder keeps 10 MB of read bytes
        } catch (RuntimeException e) { // what the decoder makes of a Content-Type it cannot use (an empty boundary)
            endUpload();
            refuse(request, badForm(e));
            return;
        }
        state = State.RECEIVING;
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void content(HttpContent content) {
        if (state == State.DROPPING) {
            if (lingering) {
                scheduleLingerEnd();
            }
            if (content instanceof LastHttpContent) {
                state = State.IDLE;
                if (lingering) {
                    stopLingering();
                    ctx.close();
                } else if (pendingAnswer != null) {
                    FullHttpResponse answer = pendingAnswer;
                    pendingAnswer = null;
                    EndpointHandler.respond(ctx, answer);
                }
            }
            return;
        }
        if (state != State.RECEIVING) {
            return; // HANDLING: nothing is read meanwhile, but a read in flight may still land here
        }
        try {
            decoder.offer(content);
        } catch (RuntimeException e) {
            FullHttpResponse refusal = e instanceof DecoderException bad ? badForm(bad) : failure(e);
            abort();
            state = State.DROPPING; // the connection closes after the answer
            EndpointHandler.respond(ctx, refusal);
            return;
        }
        if (content instanceof LastHttpContent) {
            complete();
        }
    }

    private void complete() {
        if (decoder.currentPartialHttpData() != null) {
            abort();
            EndpointHandler.respond(
                    ctx,
                    Responses.error(SsemuxException.badRequest(
                            "multipart body: ends inside a part (expected: --boundary-- after the last part)")));
            return;
        }
        List<InterfaceHttpData> parts = decoder.getBodyHttpDatas();
        List<UploadedFile> files = new ArrayList<>();
        for (InterfaceHttpData part : parts) {
            if (part instanceof FileUpload file) {
                files.add(new NettyUploadedFile(file));
            }
        }
        state = State.HANDLING;
        ctx.channel().config().setAutoRead(false);
        CompletionStage<RouteResponse> stage;
        try {
            stage = route.handler().handle(head, new NettyUploadedForm(files, parts.size()));
        } catch (Exception e) {
            finish(null, e);
            return;
        }
        stage.whenComplete((answer, failure) -> ctx.executor().execute(() -> finish(answer, failure)));
    }

    /** Ends a handled upload: deletes the form's files, frees its place, then answers. */
    private void finish(RouteResponse answer, Throwable failure) {
        FullHttpResponse response = closed
                ? null
                : failure != null
                        ? failure(unwrap(failure))
                        : answer == null
                                ? failure(new IllegalStateException("the upload's stage answered null"))
                                : response(answer);
        endUpload();
        state = State.IDLE;
        if (response != null) {
            ctx.channel().config().setAutoRead(true);
            EndpointHandler.respond(ctx, response);
        }
    }

    /**
     * Answers a refused head. With {@code Expect: 100-continue} or no body there is nothing to read;
     * a small body is read and dropped first; a large one is never read.
     */
    private void refuse(HttpRequest request, FullHttpResponse answer) {
        long length = declaredLength(request);
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || length > 0;
        if (!hasBody || request instanceof LastHttpContent) {
            EndpointHandler.respond(ctx, answer);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            EndpointHandler.respond(ctx, answer); // the client sends no body without a 100: close at once
            return;
        }
        state = State.DROPPING;
        if (length >= 0 && length <= DRAIN_BYTES) {
            pendingAnswer = answer;
        } else {
            linger(answer);
        }
    }

    /**
     * Answers at once, then keeps reading and dropping the refused body and closes when it ends
     * (a "lingering close", as nginx does): a client that writes its whole body before it reads,
     * as most do, then sees the answer rather than a reset. Nothing of the body is kept; the body
     * timeout ends a client that stops sending, and {@link BodyLimit} one that sends too much.
     * The answer bypasses the keep-alive handler, which would close the connection right after it.
     */
    private void linger(FullHttpResponse answer) {
        HttpUtil.setKeepAlive(answer, false);
        ChannelHandlerContext beforeKeepAlive = ctx.pipeline().context(HttpServerKeepAliveHandler.class);
        (beforeKeepAlive != null ? beforeKeepAlive : ctx).writeAndFlush(answer);
        lingering = true;
        lingerDeadline = System.nanoTime() + LINGER_TIME.toNanos();
        scheduleLingerEnd();
    }

    /** Closes after {@link #LINGER_TIMEOUT} without a byte of the refused body, or at the deadline. */
    private void scheduleLingerEnd() {
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
        long delay = Math.min(LINGER_TIMEOUT.toNanos(), lingerDeadline - System.nanoTime());
        lingerTimer = ctx.executor()
                .schedule(
                        () -> {
                            lingerTimer = null;
                            lingering = false;
                            ctx.close();
                        },
                        Math.max(0, delay),
                        TimeUnit.NANOSECONDS);
    }

    private void stopLingering() {
        lingering = false;
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
    }

    /** Stops an upload that will not be handled: deletes its files and frees its place. */
    private void abort() {
        if (state == State.HANDLING) {
            return; // the stage may be using the files: finish() cleans up when it completes
        }
        if (pendingAnswer != null) {
            pendingAnswer.release();
            pendingAnswer = null;
        }
        stopLingering();
        endUpload();
        state = State.IDLE;
    }

    private void endUpload() {
        if (decoder != null) {
            decoder.destroy();
            decoder = null;
        }
        if (route != null) {
            route.release();
            route = null;
        }
        head = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        abort();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closed = true;
        abort();
    }

    private static DefaultFullHttpRequest headOnly(HttpRequest request) {
        return new DefaultFullHttpRequest(
                request.protocolVersion(),
                request.method(),
                request.uri(),
                Unpooled.EMPTY_BUFFER,
                request.headers(),
                EmptyHttpHeaders.INSTANCE);
    }

    private static long declaredLength(HttpRequest request) {
        try {
            return HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static FullHttpResponse badForm(RuntimeException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Responses.error(SsemuxException.badRequest("multipart body: " + reason
                + " (expected: multipart/form-data with a boundary, at most " + MAX_PARTS + " parts)"));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException
                        || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private FullHttpResponse failure(Throwable e) {
        if (e instanceof SsemuxException refusal) {
            return Responses.error(refusal);
        }
        log.error("upload to {} failed", head == null ? "?" : head.path(), e);
        return Responses.error(
                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal_error",
                "the server failed to handle the request; see its log");
    }

    private static FullHttpResponse response(RouteResponse answer) {
        FullHttpResponse response =
                Responses.bytes(HttpResponseStatus.valueOf(answer.status()), answer.contentType(), answer.body());
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }
}
