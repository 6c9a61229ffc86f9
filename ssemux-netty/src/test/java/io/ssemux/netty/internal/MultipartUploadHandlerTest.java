package io.ssemux.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.UploadHandler;
import io.ssemux.netty.UploadedForm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload handler in an EmbeddedChannel: where an upload's bytes are while they arrive, and when they go. */
class MultipartUploadHandlerTest {
    private static final int CHUNK = 8192;

    @TempDir
    Path parent;

    private final CompletableFuture<RouteResponse> answer = new CompletableFuture<>();
    private UploadedForm received;
    private UploadFiles files;
    private EmbeddedChannel channel;

    private EmbeddedChannel channel(int maxInFlight) {
        files = new UploadFiles(parent);
        UploadHandler handler = new UploadHandler() {
            @Override
            public RouteResponse accept(io.ssemux.netty.RouteRequest head) {
                return null;
            }

            @Override
            public CompletableFuture<RouteResponse> handle(io.ssemux.netty.RouteRequest head, UploadedForm form) {
                received = form;
                return answer;
            }
        };
        Routes routes = new Routes(
                Map.of("/up", new Routes.Route(null, new UploadRoute(handler, maxInFlight, files), 64 << 20)), 1024);
        channel = new EmbeddedChannel(new MultipartUploadHandler(
                routes, new RequestRouter(routes, Authenticator.development(), false), Authenticator.development()));
        return channel;
    }

    @AfterEach
    void close() {
        files.close();
    }

    @Test
    void writesAFilePartToDiskAsItArrivesAndDeletesItOnceAnswered() throws IOException {
        channel(4);
        byte[] body = body(4 * 1024 * 1024);
        channel.writeInbound(request(body.length));
        int half = body.length / 2 / CHUNK * CHUNK;
        for (int i = 0; i < half; i += CHUNK) {
            channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(body, i, CHUNK)));
        }

        List<Path> onDisk = filesIn(files.directory());
        assertThat(onDisk).hasSize(1);
        assertThat(Files.size(onDisk.get(0)))
                .isGreaterThan(half - 2L * CHUNK); // all but what the decoder is looking at

        for (int i = half; i < body.length; i += CHUNK) {
            int n = Math.min(CHUNK, body.length - i);
            channel.writeInbound(
                    i + n == body.length
                            ? new DefaultLastHttpContent(Unpooled.wrappedBuffer(body, i, n))
                            : new DefaultHttpContent(Unpooled.wrappedBuffer(body, i, n)));
        }
        assertThat(received.files("f"))
                .singleElement()
                .satisfies(f -> assertThat(f.size()).isEqualTo(4 * 1024 * 1024));
        assertThat(channel.config().isAutoRead()).isFalse(); // nothing more is read while the application works
        assertThat(filesIn(files.directory())).hasSize(1);

        answer.complete(RouteResponse.json(200, "{}"));
        channel.runPendingTasks();

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(200);
        response.release();
        assertThat(filesIn(files.directory())).isEmpty();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void deletesThePartsOfAnUploadCutShortAndFreesItsPlace() throws IOException {
        channel(1);
        byte[] body = body(1024 * 1024);
        channel.writeInbound(request(body.length));
        channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(body, 0, 512 * 1024)));
        assertThat(filesIn(files.directory())).hasSize(1);

        channel.close();

        assertThat(filesIn(files.directory())).isEmpty();
        EmbeddedChannel next = channel(1);
        next.writeInbound(request(body.length));
        assertThat(next.<Object>readOutbound()).isNull(); // accepted: no 503
        assertThat(next.finishAndReleaseAll()).isFalse();
    }

    private static HttpRequest request(int length) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        request.headers()
                .set("Content-Type", "multipart/form-data; boundary=XyZ")
                .set("Content-Length", length);
        return request;
    }

    /** A form of one file of {@code size} bytes, with no CR or LF in it. */
    private static byte[] body(int size) {
        byte[] head = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--XyZ--\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + size + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = 0; i < size; i++) {
            body[head.length + i] = (byte) ('a' + i % 26);
        }
        System.arraycopy(tail, 0, body, head.length + size, tail.length);
        return body;
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
