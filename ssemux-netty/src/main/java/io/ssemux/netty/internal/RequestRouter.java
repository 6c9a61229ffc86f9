package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a complete request asks for, and answers those that ask for nothing it serves: a
 * malformed request or path gets 400, an unknown path 404, a wrong method on one of ssemux's own
 * endpoints 405 with {@code Allow}. Every other request goes on as a {@link NettyRequest} tagged
 * with its {@link Endpoint}, for the endpoint handler behind it.
 *
 * <pre>
 * p.addLast(new HttpObjectAggregator(routes.largestMaxBodyBytes()));
 * p.addLast(router);                  // FullHttpRequest in, NettyRequest out
 * p.addLast(streamUpgrade);           // then the endpoint handlers
 * </pre>
 *
 * <p>While the authenticator trusts anyone (development), only requests addressed to this machine by
 * a loopback name are served ({@code Host: localhost}, {@code 127.0.0.1} or {@code [::1]}, any
 * port); others get 403, so a web page cannot reach the server through a DNS name rebound to
 * 127.0.0.1.
 *
 * <p>A connection whose reading fails (a reset, say) is closed here. Stateless and
 * {@link Sharable}: one instance serves every connection. Runs on the event loop; never blocks.
 */
@Sharable
final class RequestRouter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final Routes routes;
    private final Authenticator authenticator;
    private final boolean loopbackHostsOnly;

    RequestRouter(Routes routes, Authenticator authenticator, boolean loopbackHostsOnly) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.loopbackHostsOnly = loopbackHostsOnly;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        NettyRequest routed = null;
        try {
            routed = route(ctx, request);
        } finally {
            if (routed == null) {
                ReferenceCountUtil.release(request);
            }
        }
        if (routed != null) {
            ctx.fireChannelRead(routed);
        }
    }

    /** The request tagged with its endpoint, or {@code null} once it has been answered here. */
    private NettyRequest route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        FullHttpResponse refusal = refusal(request, query);
        if (refusal != null) {
            respond(ctx, refusal);
            return null;
        }
        String path = query.path();
        Endpoint endpoint = Endpoint.own(path);
        if (endpoint != null) {
            if (!endpoint.allows(request.method())) {
                FullHttpResponse response = Responses.error(
                        HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "method_not_allowed",
                        request.method() + " " + path + ": not allowed (expected: " + endpoint.allowed() + ")");
                response.headers().set(HttpHeaderNames.ALLOW, endpoint.allowed());
                respond(ctx, response);
                return null;
            }
            return new NettyRequest(ctx, request, query, authenticator, endpoint, null);
        }
        Routes.Route route = routes.find(path);
        if (route == null) {
            respond(ctx, Responses.error(SsemuxException.notFound("path " + Names.quote(path) + ": no such endpoint")));
            return null;
        }
        return new NettyRequest(ctx, request, query, authenticator, Endpoint.APPLICATION, route);
    }

    /**
     * The answer that refuses a request from its head alone, or {@code null} when the head is
     * sound: 400 (or 414, 431) for what the codec refused or a malformed percent-encoding, 403 for
     * a foreign {@code Host} while the server trusts anyone. Upload routes use it before their body
     * is read. Decodes the path and the query, so that no handler meets a malformed one later.
     */
    FullHttpResponse refusal(HttpRequest request, QueryStringDecoder query) {
        if (!request.decoderResult().isSuccess()) {
            return malformed(request.decoderResult().cause());
        }
        HttpVersion version = request.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            // "GET / HTTP/2.0" in text is not HTTP/2 (which is binary, after its preface): refused.
            return Responses.error(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad_request",
                    "version " + Names.quote(version.text())
                            + ": not spoken in a text request line (expected: HTTP/1.1 or HTTP/1.0; HTTP/2 with TLS"
                            + " and ALPN, or with its connection preface)");
        }
        if (loopbackHostsOnly && !isLoopbackHost(request.headers().get(HttpHeaderNames.HOST))) {
            return Responses.error(SsemuxException.forbidden("Host "
                    + Names.quote(request.headers().get(HttpHeaderNames.HOST))
                    + ": not this machine (expected: localhost, 127.0.0.1 or [::1] while the server trusts anyone;"
                    + " configure an authenticator to serve other names)"));
        }
        try {
            query.path();
        } catch (IllegalArgumentException e) {
            return Responses.error(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad_request",
                    "path: malformed percent-encoding (expected: %XX with two hex digits)");
        }
        try {
            query.parameters();
        } catch (IllegalArgumentException e) {
            return Responses.error(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad_request",
                    "query: malformed percent-encoding (expected: %XX with two hex digits)");
        }
        return null;
    }

    /** {@code localhost}, {@code 127.0.0.1} or {@code [::1]}, with or without a port. */
    static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host;
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            if (end < 0 || (end + 1 < name.length() && !isPort(name.substring(end + 1)))) {
                return false;
            }
            name = name.substring(0, end + 1);
        } else {
            int colon = name.indexOf(':');
            if (colon >= 0) {
                if (!isPort(name.substring(colon))) {
                    return false;
                }
                name = name.substring(0, colon);
            }
        }
        return name.equalsIgnoreCase("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
    }

    /** {@code :} and 1 to 5 digits. */
    private static boolean isPort(String colonAndDigits) {
        int n = colonAndDigits.length();
        if (n < 2 || n > 6 || colonAndDigits.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = colonAndDigits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** 414 for a request line too long, 431 for headers too large, 400 for anything else the codec refused. */
    private static FullHttpResponse malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Responses.error(
                    HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "uri_too_long",
                    "request line: too long (expected: at most the server's limit, which fits --max-channels names and a token)");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Responses.error(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "headers_too_large",
                    "headers: too large (expected: at most the server's limit, which fits a token)");
        }
        return Responses.error(
                HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request: " + cause.getMessage());
    }

    /** Every answer here is an error: the connection closes after it. */
    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        EndpointHandler.respond(ctx, response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
