package io.ssemux.netty.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.RequestInfo;
import io.ssemux.netty.RouteRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** A request as the authenticator and application routes see it. Used on the event loop only. */
final class NettyRequest implements RequestInfo, RouteRequest {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final QueryStringDecoder query;
    private final Authenticator authenticator;
    private Principal principal;

    NettyRequest(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query, Authenticator authenticator) {
        this.ctx = ctx;
        this.request = request;
        this.query = query;
        this.authenticator = authenticator;
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

    List<String> queryParameters(String name) {
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
    Principal principal() {
        if (principal == null) {
            principal = authenticator.authenticate(this);
        }
        return principal;
    }
}
