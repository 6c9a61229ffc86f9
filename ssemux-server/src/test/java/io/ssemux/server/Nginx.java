package io.ssemux.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as the cluster's load balancer, from {@code cluster/nginx.conf.template} (the one
 * {@code scripts/cluster} uses), on a free port of 127.0.0.1. {@code scripts/test} installs it.
 */
final class Nginx implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Path TEMPLATE = Path.of("../cluster/nginx.conf.template");

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static Nginx start(Path dir, List<Integer> nodePorts) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + ": missing (scripts/test installs Debian's nginx)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String upstreams = nodePorts.stream()
                .map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String config = Files.readString(TEMPLATE)
                .replace("@DIR@", dir.toString())
                .replace("@PORT@", Integer.toString(port))
                .replace("@UPSTREAMS@", upstreams);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BINARY.toString(), "-c", file.toString(), "-p", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        Nginx nginx = new Nginx(process, port, dir);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(nginx::accepts);
        return nginx;
    }

    int port() {
        return port;
    }

    private boolean accepts() {
        if (!process.isAlive()) {
            throw new IllegalStateException("nginx exited: " + output());
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        StringBuilder output = new StringBuilder();
        for (String name : List.of("nginx.out", "error.log")) {
            try {
                output.append(Files.readString(dir.resolve(name)));
            } catch (IOException e) {
                output.append(name).append(": ").append(e).append('\n');
            }
        }
        return output.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
