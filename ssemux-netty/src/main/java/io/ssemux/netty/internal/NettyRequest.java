package io.ssemux.netty.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCounted;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Principal;
import io.ssemux.http.ApiRequest;
import io.ssemux.netty.RouteRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A complete request that {@link RequestRouter} has routed, as the endpoint handlers, the
 * authenticator and application routes see it. It owns the request's reference: releasing it
 * releases the request, so it travels down the pipeline like any message.
 *
 * <p>Used on the event loop only.
 */
final class NettyRequest implements ApiRequest, RouteRequest, ReferenceCounted {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final QueryStringDecoder query;
    private final Authenticator authenticator;
    private final Endpoint endpoint;
    private final Routes.Route route;
    private Principal principal;

    /**
     * @param endpoint what the request asks for
     * @param route    the application route that serves it when {@code endpoint} is
     *                 {@link Endpoint#APPLICATION}, else {@code null}
     */
    NettyRequest(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            QueryStringDecoder query,
            Authenticator authenticator,
            Endpoint endpoint,
            Routes.Route route) {
        this.ctx = ctx;
        this.request = request;
        this.query = query;
        this.authenticator = authenticator;
        this.endpoint = endpoint;
        this.route = route;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    Routes.Route route() {
        return route;
    }

    FullHttpRequest http() {
        return request;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return query.path();
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public String queryParameter(String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> queryParameters(String name) {
        List<String> values = query.parameters().get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public byte[] body() {
        return ByteBufUtil.getBytes(request.content());
    }

    @Override
    public String remoteAddress() {
        SocketAddress address = ctx.channel().remoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    @Override
    public String user() {
        return principal().user();
    }

    /** Who the request comes from, as the authenticator says (asked once per request). */
    @Override
    public Principal principal() {
        if (principal == null) {
            principal = authenticator.authenticate(this);
        }
        return principal;
    }

    // ---- the request's reference count ----

    @Override
    public int refCnt() {
        return request.refCnt();
    }

    @Override
    public NettyRequest retain() {
        request.retain();
        return this;
    }

    @Override
    public NettyRequest retain(int increment) {
        request.retain(increment);
        return this;
    }

    @Override
    public NettyRequest touch() {
        request.touch();
        return this;
    }

    @Override
    public NettyRequest touch(Object hint) {
        request.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return request.release();
    }

    @Override
    public boolean release(int decrement) {
        return request.release(decrement);
    }
}
