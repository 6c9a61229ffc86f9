/**
 * The HTTP server of ssemux on Netty: {@link io.ssemux.netty.SsemuxServer}, and
 * {@link io.ssemux.netty.RouteHandler} for an application's own endpoints. The handlers behind it
 * ({@code io.ssemux.netty.internal}) are not exported.
 *
 * <p>Native epoll and io_uring: on the module path a native library's module is resolved only when
 * asked for, with {@code --add-modules io.netty.transport.epoll.linux.x86_64} (or
 * {@code io.netty.transport.io_uring.linux.x86_64}); without it the server uses NIO.
 * On the class path (as {@code ssemux-server} runs) nothing needs to be done.
 */
module io.ssemux.netty {
    requires transitive io.ssemux.core;
    requires io.ssemux.http;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.io_uring;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.handler;
    requires jdk.management;
    requires org.slf4j;

    exports io.ssemux.netty;
}
