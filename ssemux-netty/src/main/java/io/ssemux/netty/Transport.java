package io.ssemux.netty;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.StandardSocketOptions;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket layer the server runs on: Linux's io_uring or epoll through Netty's native transports,
 * or the JDK's NIO. Immutable.
 */
record Transport(
        String name,
        IoHandlerFactory factory,
        Class<? extends ServerChannel> serverChannelClass,
        ChannelOption<Boolean> reusePortOption) {

    /** The names {@link #named} accepts. */
    static final String NAMES = "auto, io_uring, epoll or nio";

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /**
     * The transport of this name; a native one this machine cannot load falls back to the next best
     * (io_uring to epoll, epoll to NIO) with a warning saying why. {@code auto} is epoll where it
     * loads, else NIO: io_uring measured no better for SSE fan-out (docs/BENCHMARKS.md).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static Transport named(String name) {
        return switch (checkName(name)) {
            case "io_uring" -> ioUring();
            case "epoll" -> epollOrNio();
            case "nio" -> nio();
            default -> Epoll.isAvailable() ? epoll() : nio();
        };
    }

    /**
     * The transport's name in its usual spelling ({@code io-uring} is {@code io_uring}).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static String checkName(String name) {
        String known = name.toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (known) {
            case "auto", "io_uring", "epoll", "nio" -> known;
            default -> throw new IllegalArgumentException("transport: '" + name + "' (expected: " + NAMES + ")");
        };
    }

    private static Transport ioUring() {
        if (IoUring.isAvailable()) {
            return new Transport(
                    "io_uring",
                    IoUringIoHandler.newFactory(),
                    IoUringServerSocketChannel.class,
                    IoUringChannelOption.SO_REUSEPORT);
        }
        log.warn("io_uring is not available here ({}): trying epoll", IoUring.unavailabilityCause());
        return epollOrNio();
    }

    private static Transport epollOrNio() {
        if (Epoll.isAvailable()) {
            return epoll();
        }
        log.warn("epoll is not available here ({}): using nio", Epoll.unavailabilityCause());
        return nio();
    }

    private static Transport epoll() {
        return new Transport(
                "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollChannelOption.SO_REUSEPORT);
    }

    private static Transport nio() {
        return new Transport(
                "nio",
                NioIoHandler.newFactory(),
                NioServerSocketChannel.class,
                NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT));
    }

    EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }
}
