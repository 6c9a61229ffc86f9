package io.ssemux.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll when it loads (with {@code IP_BIND_ADDRESS_NO_PORT}, so a source address is not limited to one port range for all servers), NIO otherwise. */
final class ClientTransport {
    private ClientTransport() {}

    static EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(
                threads,
                new DefaultThreadFactory(name, true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static Bootstrap bootstrap(EventLoopGroup group) {
        Bootstrap bootstrap = new Bootstrap().group(group);
        if (Epoll.isAvailable()) {
            bootstrap.channel(EpollSocketChannel.class).option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        } else {
            bootstrap.channel(NioSocketChannel.class);
        }
        return bootstrap;
    }

    static String name() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    static boolean isEpoll(Channel channel) {
        return channel instanceof EpollSocketChannel;
    }
}
