package io.ssemux.server.demo;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A hub, the photo demo and a server on 127.0.0.1 and a free port, as the server's main wires them
 * (the development authenticator: the user is the {@code X-User-Id} header); and an HTTP client
 * that uploads multipart forms to it, as {@link #USER} unless told otherwise.
 */
final class DemoServer implements AutoCloseable {
    static final String BOUNDARY = "----ssemuxTestBoundary7MA4YWxk";
    static final String USER = "alice";

    final Hub hub;
    final PhotoDemo demo;
    final SsemuxServer server;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    DemoServer(DemoSettings settings) throws IOException {
        hub = Hub.builder().build();
        demo = PhotoDemo.start(hub, settings);
        SsemuxServer.Builder builder =
                SsemuxServer.builder(hub).host("127.0.0.1").port(0);
        demo.register(builder);
        server = builder.build().start();
    }

    static DemoServer start(Path dataDir, int maxPhotoBytes) throws IOException {
        return new DemoServer(new DemoSettings(dataDir, maxPhotoBytes, 1, 1, Duration.ZERO, 4));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Posts {@code parts} (see {@link #file}) as multipart/form-data to {@code path}. */
    HttpResponse<String> upload(String path, byte[]... parts) {
        return uploadAs(USER, path, parts);
    }

    /** Like {@link #upload}, as {@code user}. */
    HttpResponse<String> uploadAs(String user, String path, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return post(user, path, "multipart/form-data; boundary=" + BOUNDARY, body.toByteArray());
    }

    /** One file part of a form. */
    static byte[] file(String field, String filename, String contentType, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                        + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        part.writeBytes(content);
        part.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return part.toByteArray();
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) {
        return post(USER, path, contentType, body);
    }

    private HttpResponse<String> post(String user, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("X-User-Id", user)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        demo.close();
        hub.close();
        server.close();
    }
}
