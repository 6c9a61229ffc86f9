package io.ssemux.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hostile requests of a soak, each with what the server must do about it: answer a status
 * (a 4xx, or 200 and a {@code reset} for an unknown {@code Last-Event-ID}), or close the connection
 * within one of its timeouts (a request head that never ends, a body shorter than announced, a
 * kept-alive connection left idle).
 */
enum BadInput {
    MALFORMED_JSON(Expect.STATUS, 400),
    UNKNOWN_FIELD(Expect.STATUS, 400),
    RESERVED_EVENT_TYPE(Expect.STATUS, 400),
    INVALID_CHANNEL(Expect.STATUS, 400),
    TEXT_PLAIN(Expect.STATUS, 415),
    FORM_CONTENT_TYPE(Expect.STATUS, 415),
    NO_CONTENT_TYPE(Expect.STATUS, 415),
    OVERSIZED_LENGTH(Expect.STATUS, 413),
    OVERSIZED_CHUNKED(Expect.STATUS, 413),
    BAD_CONTENT_LENGTH(Expect.STATUS, 400),
    LONG_URI(Expect.STATUS, 414),
    BIG_HEADERS(Expect.STATUS, 431),
    WRONG_METHOD(Expect.STATUS, 405),
    UNKNOWN_PATH(Expect.STATUS, 404),
    BAD_PERCENT_ENCODING(Expect.STATUS, 400),
    STREAM_INVALID_CHANNEL(Expect.STATUS, 400),
    FOREIGN_HOST(Expect.STATUS, 403),
    UNKNOWN_LAST_EVENT_ID(Expect.RESET_EVENT, 200),
    /** Random bytes: a 400 once a line ends, or the header timeout. */
    GARBAGE(Expect.STATUS_OR_CLOSE, 400),
    /** A TLS ClientHello on the plain port. */
    TLS_ON_PLAIN(Expect.STATUS_OR_CLOSE, 400),
    /** Connects and says nothing. */
    SILENT(Expect.CLOSE_AFTER_HEADER_TIMEOUT, 0),
    /** Half a request head, then nothing. */
    HALF_HEAD(Expect.CLOSE_AFTER_HEADER_TIMEOUT, 0),
    /** A request head one byte a second (the reader sends 30 bytes at most). */
    SLOWLORIS(Expect.CLOSE_AFTER_HEADER_TIMEOUT, 0),
    /** Announces 1,000 bytes of body, sends 20. */
    HALF_BODY(Expect.CLOSE_AFTER_BODY_TIMEOUT, 0),
    /** A good request on a kept-alive connection, then silence. */
    IDLE_KEEP_ALIVE(Expect.CLOSE_AFTER_KEEP_ALIVE_TIMEOUT, 200),
    /** Half a request head, then a reset (SO_LINGER 0). */
    RESET_MID_REQUEST(Expect.NOTHING, 0);

    enum Expect {
        /** The given status. */
        STATUS,
        /** The given status, or the connection closed within the header timeout. */
        STATUS_OR_CLOSE,
        /** 200, then a {@code reset} event. */
        RESET_EVENT,
        /** Closed within the header timeout of the connect. */
        CLOSE_AFTER_HEADER_TIMEOUT,
        /** Closed within the body timeout of the last byte of body. */
        CLOSE_AFTER_BODY_TIMEOUT,
        /** The given status, then closed within the keep-alive timeout of the response. */
        CLOSE_AFTER_KEEP_ALIVE_TIMEOUT,
        /** Nothing to check: the client resets the connection. */
        NOTHING
    }

    final Expect expect;
    final int status;

    BadInput(Expect expect, int status) {
        this.expect = expect;
        this.status = status;
    }

    /** What the client writes once connected ({@code SLOWLORIS}: the bytes it trickles). */
    byte[] request(String host) {
        String publish = "POST /api/sse/publish HTTP/1.1\r\nHost: " + host + "\r\nX-User-Id: soak-bad\r\n";
        String json = "Content-Type: application/json\r\n";
        String event = "{\"channel\":\"soak-0\",\"type\":\"tick\",\"data\":{}}";
        return switch (this) {
            case MALFORMED_JSON ->
                ascii(withBody(publish + json, "{\"channel\":\"soak-0\",\"type\":\"tick\",\"data\":"));
            case UNKNOWN_FIELD ->
                ascii(withBody(publish + json, "{\"channel\":\"soak-0\",\"type\":\"tick\",\"data\":1,\"extra\":true}"));
            case RESERVED_EVENT_TYPE ->
                ascii(withBody(publish + json, "{\"channel\":\"soak-0\",\"type\":\"connected\",\"data\":{}}"));
            case INVALID_CHANNEL ->
                ascii(withBody(publish + json, "{\"channel\":\"soak 0\\r\\nid: 1\",\"type\":\"tick\",\"data\":{}}"));
            case TEXT_PLAIN -> ascii(withBody(publish + "Content-Type: text/plain\r\n", event));
            case FORM_CONTENT_TYPE ->
                ascii(withBody(publish + "Content-Type: application/x-www-form-urlencoded\r\n", "channel=soak-0"));
            case NO_CONTENT_TYPE -> ascii(withBody(publish, event));
            case OVERSIZED_LENGTH -> ascii(withBody(publish + json, "[" + "1,".repeat(50_000) + "1]"));
            case OVERSIZED_CHUNKED -> ascii(chunked(publish + json, 100 * 1024));
            case BAD_CONTENT_LENGTH -> ascii(publish + json + "Content-Length: 12abc\r\n\r\n" + event);
            case LONG_URI ->
                ascii("GET /api/sse/stats?x=" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            case BIG_HEADERS ->
                ascii("GET /api/sse/stats HTTP/1.1\r\nHost: " + host + "\r\nX-Filler: " + "b".repeat(30_000)
                        + "\r\n\r\n");
            case WRONG_METHOD -> ascii("DELETE /api/sse/publish HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            case UNKNOWN_PATH -> ascii("GET /api/sse/nothing-here HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            case BAD_PERCENT_ENCODING ->
                ascii("GET /api/sse/stream?channels=%zz&user=soak-bad HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            case STREAM_INVALID_CHANNEL ->
                ascii("GET /api/sse/stream?channels=a%20b&user=soak-bad HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            case FOREIGN_HOST -> ascii("GET /api/sse/stats HTTP/1.1\r\nHost: soak.example\r\n\r\n");
            case UNKNOWN_LAST_EVENT_ID ->
                ascii("GET /api/sse/stream?channels=soak-0&user=soak-bad HTTP/1.1\r\nHost: "
                        + host + "\r\nLast-Event-ID: not-an-id-"
                        + ThreadLocalRandom.current().nextInt(1_000_000)
                        + "\r\n\r\n");
            case GARBAGE -> random(256 + ThreadLocalRandom.current().nextInt(1024));
            case TLS_ON_PLAIN -> tlsHello();
            case SILENT -> new byte[0];
            case HALF_HEAD, RESET_MID_REQUEST -> ascii("GET /api/sse/stats HTTP/1.1\r\nHost: " + host + "\r\nAcc");
            case SLOWLORIS -> ascii("GET /api/sse/stats HTTP/1.1\r\nHost: " + host + "\r\n");
            case HALF_BODY -> ascii(publish + json + "Content-Length: 1000\r\n\r\n{\"channel\":\"soak-0\",");
            case IDLE_KEEP_ALIVE -> ascii("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        };
    }

    private static String withBody(String head, String body) {
        return head + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String chunked(String head, int bytes) {
        StringBuilder sb = new StringBuilder(head).append("Transfer-Encoding: chunked\r\n\r\n");
        String chunk = "2".repeat(4096);
        for (int sent = 0; sent < bytes; sent += chunk.length()) {
            sb.append("1000\r\n").append(chunk).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** A TLS 1.2 record header and the start of a ClientHello, then random bytes. */
    private static byte[] tlsHello() {
        byte[] bytes = random(300);
        byte[] start = {0x16, 0x03, 0x01, 0x01, 0x27, 0x01, 0x00, 0x01, 0x23, 0x03, 0x03};
        System.arraycopy(start, 0, bytes, 0, start.length);
        return bytes;
    }
}
