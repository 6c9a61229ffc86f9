package io.ssemux.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 by hand on a socket, for tests that must control every byte and its timing. */
final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("content-length: *(\\d+)");

    private RawHttp() {}

    static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One response with a Content-Length: its head and body. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection ended within a response head: " + head);
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.US_ASCII);
        Matcher length = CONTENT_LENGTH.matcher(headText.toLowerCase(Locale.ROOT));
        if (!length.find()) {
            throw new AssertionError("no Content-Length in " + headText);
        }
        return headText + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
}
