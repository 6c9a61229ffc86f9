package io.ssemux.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A misbehaving server on a raw socket (127.0.0.1, a free port): the n-th connection is answered by
 * the n-th script (the last one for every connection after), byte for byte, then closed.
 */
final class FakeServer implements AutoCloseable {

    /** Answers one connection. */
    @FunctionalInterface
    interface Script {
        void answer(Exchange exchange) throws Exception;
    }

    /** A request as received (its body as text). */
    record Request(String line, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One connection: its request and a way to answer. */
    final class Exchange {
        private final OutputStream out;
        final Request request;

        private Exchange(OutputStream out, Request request) {
            this.out = out;
            this.request = request;
        }

        /** Writes bytes as they are (text as UTF-8) and flushes. */
        Exchange write(String raw) throws IOException {
            return write(raw.getBytes(StandardCharsets.UTF_8));
        }

        Exchange write(byte[] raw) throws IOException {
            out.write(raw);
            out.flush();
            return this;
        }

        /** Keeps the connection open, silent, until the server closes. */
        void hold() throws InterruptedException {
            closed.await();
        }
    }

    private final ServerSocket socket;
    private final List<Script> scripts;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeServer(Script... scripts) throws IOException {
        this.scripts = List.of(scripts);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void accept() {
        try {
            for (int accepted = 0; ; accepted++) {
                Socket connection = socket.accept();
                connections.add(connection);
                Script script = scripts.get(Math.min(accepted, scripts.size() - 1));
                threads.execute(() -> serve(connection, script));
            }
        } catch (IOException e) {
            // Closed.
        }
    }

    private void serve(Socket connection, Script script) {
        try (connection) {
            Request request = readRequest(connection.getInputStream());
            requests.add(request);
            script.answer(new Exchange(connection.getOutputStream(), request));
        } catch (Exception e) {
            // The client went away, or the server closed.
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", -1);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Request(lines[0], headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** The head of a 200 event stream, which then runs until the connection closes. */
    static String streamHead() {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
                + "Connection: close\r\n\r\n";
    }

    /** A complete response with a body. */
    static String response(int status, String contentType, String body, String... extraHeaders) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(" Whatever\r\n")
                .append("Content-Type: ")
                .append(contentType)
                .append("\r\n")
                .append("Content-Length: ")
                .append(bytes.length)
                .append("\r\n")
                .append("Connection: close\r\n");
        for (String header : extraHeaders) {
            sb.append(header).append("\r\n");
        }
        return sb.append("\r\n").append(body).toString();
    }

    /** The {@code connected} event of an ssemux stream, with {@code retry: 10} before it. */
    static String connected(String heartbeatSeconds) {
        return "retry: 10\nevent: connected\ndata: {\"connectionId\":\"c1\",\"channels\":[\"jobs\"],\"heartbeatSeconds\":"
                + heartbeatSeconds + "}\n\n";
    }

    /** An event as ssemux sends it on an envelope stream. */
    static String event(String id, String type, String channel, String data) {
        return "id: " + id + "\ndata: {\"channel\":\"" + channel + "\",\"type\":\"" + type + "\",\"data\":" + data
                + "}\n\n";
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
        for (Socket connection : connections) {
            connection.close();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
