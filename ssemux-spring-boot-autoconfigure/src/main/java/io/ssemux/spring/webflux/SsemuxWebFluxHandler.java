package io.ssemux.spring.webflux;

import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.http.ApiEndpoint;
import io.ssemux.http.HttpAnswer;
import io.ssemux.http.HttpApi;
import io.ssemux.spring.web.PrincipalResolver;
import io.ssemux.spring.web.SinkExecutors;
import io.ssemux.spring.web.WebApiRequest;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * ssemux's endpoints on Spring WebFlux, as a {@link RouterFunction} for {@code <path>/**}:
 * {@code GET /stream} opens a stream ({@link FluxSink}); {@code POST /publish}, {@code /subscriptions},
 * {@code /token} and {@code GET /stats} are answered by {@link HttpApi}, the protocol's one
 * implementation. The application's web filters (Spring Security's among them) run before it, so the
 * exchange's principal is the signed-in user.
 *
 * <p>Thread-safe; never blocks: bodies are read as they arrive (up to a limit), answers are sent when
 * the hub has them.
 */
public final class SsemuxWebFluxHandler {
    private final Hub hub;
    private final HttpApi api;
    private final PrincipalResolver principals;
    private final SinkExecutors executors;
    private final String path;
    private final long outboundLimitBytes;
    private final int maxBodyBytes;

    /**
     * @param path               the base path of the endpoints ({@code /api/sse})
     * @param outboundLimitBytes the most bytes a stream may have waiting for its client before it is
     *                           cut as a slow consumer
     * @param maxBodyBytes       the largest request body read (a publish of the largest event fits)
     */
    public SsemuxWebFluxHandler(
            Hub hub,
            HttpApi api,
            PrincipalResolver principals,
            SinkExecutors executors,
            String path,
            long outboundLimitBytes,
            int maxBodyBytes) {
        this.hub = hub;
        this.api = api;
        this.principals = principals;
        this.executors = executors;
        this.path = path;
        this.outboundLimitBytes = outboundLimitBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The routes: every request under the base path comes here. */
    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route(RequestPredicates.path(path + "/**"), this::handle);
    }

    private Mono<ServerResponse> handle(ServerRequest request) {
        String relative = request.path().substring(path.length());
        ApiEndpoint endpoint = ApiEndpoint.at(relative);
        HttpAnswer refusal = HttpApi.refusal(endpoint, request.method().name(), request.path());
        if (refusal != null) {
            return send(refusal);
        }
        WebFluxApiRequest apiRequest;
        try {
            apiRequest = new WebFluxApiRequest(request, principals);
        } catch (SsemuxException e) {
            return send(HttpAnswer.error(e));
        }
        Mono<Optional<java.security.Principal>> user =
                request.principal().map(Optional::<java.security.Principal>of).defaultIfEmpty(Optional.empty());
        if (endpoint == ApiEndpoint.STREAM) {
            return user.flatMap(u -> stream(apiRequest.from(u.orElse(null), new byte[0])));
        }
        Mono<byte[]> body = DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), maxBodyBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
        return user.zipWith(body)
                .flatMap(both -> Mono.fromFuture(
                        api.serve(endpoint, apiRequest.from(both.getT1().orElse(null), both.getT2()))))
                .onErrorResume(
                        DataBufferLimitException.class,
                        e -> Mono.just(HttpAnswer.error(WebApiRequest.tooLarge(maxBodyBytes))))
                .flatMap(SsemuxWebFluxHandler::send);
    }

    private Mono<ServerResponse> stream(WebFluxApiRequest apiRequest) {
        ConnectRequest connect;
        Connection connection;
        FluxSink sink;
        try {
            connect = HttpApi.connectRequest(apiRequest);
            sink = new FluxSink(
                    executors.next(),
                    apiRequest.request.exchange().getResponse().bufferFactory(),
                    outboundLimitBytes);
            // The hub queues the opening frames on the sink's thread; they wait there for the server.
            connection = hub.connect(connect, sink);
        } catch (SsemuxException e) {
            return send(HttpAnswer.error(e));
        }
        sink.attach(connection);
        BodyInserter<Object, ReactiveHttpOutputMessage> inserter =
                (message, context) -> message.writeAndFlushWith(sink.body());
        return ServerResponse.ok()
                .headers(headers -> HttpApi.STREAM_HEADERS.forEach(headers::set))
                .body(inserter);
    }

    private static Mono<ServerResponse> send(HttpAnswer answer) {
        return ServerResponse.status(HttpStatusCode.valueOf(answer.status()))
                .headers(headers -> answer.headers().forEach(headers::set))
                .bodyValue(answer.body());
    }

    /**
     * A WebFlux request as the API reads it: its query at once, its user and body once they have
     * arrived ({@link #from}).
     */
    private static final class WebFluxApiRequest extends WebApiRequest {
        private final ServerRequest request;
        private java.security.Principal user;
        private byte[] body;

        WebFluxApiRequest(ServerRequest request, PrincipalResolver principals) {
            super(request.uri().getRawQuery(), principals);
            this.request = request;
        }

        /** This request, with the user Spring authenticated ({@code null} for nobody) and its body. */
        WebFluxApiRequest from(java.security.Principal user, byte[] body) {
            this.user = user;
            this.body = body;
            return this;
        }

        @Override
        protected java.security.Principal user() {
            return user;
        }

        @Override
        public String header(String name) {
            return request.headers().firstHeader(name);
        }

        @Override
        public String remoteAddress() {
            return request.remoteAddress()
                    .map(InetSocketAddress::getAddress)
                    .map(java.net.InetAddress::getHostAddress)
                    .orElse("unknown");
        }

        @Override
        @SuppressWarnings("MutablePublicArray") // the request's own, read once
        public byte[] body() {
            return body;
        }
    }
}
