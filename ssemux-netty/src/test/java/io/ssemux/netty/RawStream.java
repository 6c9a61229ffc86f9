package io.ssemux.netty;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A stream read byte by byte from a plain socket, for tests that look at the wire or close abruptly. */
final class RawStream {
    private RawStream() {}

    /** Connects and sends {@code GET pathAndQuery}; the caller closes the socket. */
    static Socket open(int port, String pathAndQuery) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.getOutputStream()
                .write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads until {@code marker} has been read, and returns everything read. */
    static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + " in: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
