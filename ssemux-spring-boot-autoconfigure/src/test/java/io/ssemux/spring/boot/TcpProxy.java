package io.ssemux.spring.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of the test app, whose connections a test can cut: as a network
 * that fails looks to both ends, each side's socket closes with no word from the other (no
 * {@code draining}, no last event). While cut, it refuses new connections (accepts and closes them),
 * so the test knows what happened meanwhile; {@link #restore} lets them through again.
 *
 * <p>Thread-safe: one thread accepts, two per connection copy bytes; {@link #cut}, {@link #restore}
 * and {@link #close} may be called from any thread.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    /** Listens on a free port of 127.0.0.1 and forwards to {@code 127.0.0.1:target}. */
    TcpProxy(int target) {
        this.target = target;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept, "proxy-accept");
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every connection through the proxy, and refuses new ones until {@link #restore}. */
    void cut() {
        refusing = true;
        sockets.forEach(TcpProxy::closeQuietly);
    }

    /** Lets new connections through again. */
    void restore() {
        refusing = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                daemon(() -> pump(client, upstream), "proxy-up");
                daemon(() -> pump(upstream, client), "proxy-down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Copies {@code from} to {@code to} until either ends, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        cut();
    }
}
