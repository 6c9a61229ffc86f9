package io.ssemux.server.demo;

import io.ssemux.core.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578) taken apart: its fields with their names, file
 * names, content types and bytes. Strict where a mistake could mislead (a missing closing
 * boundary, a part without a field name, junk after a boundary are refused) and bounded (16
 * parts, 8 KiB of headers per part). Quoted parameter values end at the next {@code "}, as the
 * HTML standard encodes them (a {@code "} in a file name is sent as {@code %22}, a backslash as is).
 *
 * <p>Immutable; parse on any thread.
 */
final class MultipartForm {
    static final int MAX_PARTS = 16;
    static final int MAX_HEADER_BYTES = 8 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] BLANK_LINE = {'\r', '\n', '\r', '\n'};
    private static final byte[] DASHES = {'-', '-'};

    /**
     * One field of the form.
     *
     * @param name        the field's name
     * @param filename    the file's name as the browser sent it (untrusted: for display only), or {@code null} for a plain field
     * @param contentType the part's declared {@code Content-Type} (untrusted), {@code text/plain} when none
     * @param content     the bytes
     */
    @SuppressWarnings("ArrayRecordComponent") // the body's bytes without a copy; never compared or hashed
    record Part(String name, String filename, String contentType, byte[] content) {}

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    List<Part> parts() {
        return parts;
    }

    /** The parts of the field {@code name}, in order. */
    List<Part> parts(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).toList();
    }

    /** Whether {@code contentType} says {@code multipart/form-data}. */
    static boolean isFormData(String contentType) {
        return contentType != null
                && contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data");
    }

    /**
     * Parses {@code body}, sent with {@code contentType} ({@code multipart/form-data; boundary=…}).
     *
     * @throws IllegalArgumentException what is wrong with it, in a sentence for the client
     */
    static MultipartForm parse(String contentType, byte[] body) {
        if (!isFormData(contentType)) {
            throw new IllegalArgumentException(
                    "Content-Type " + Names.quote(contentType) + ": not multipart/form-data");
        }
        String boundary =
                parameters(contentType.substring(contentType.indexOf(';') + 1)).get("boundary");
        if (contentType.indexOf(';') < 0 || boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("Content-Type " + Names.quote(contentType)
                    + ": no usable boundary (expected: boundary=<1 to 70 characters>)");
        }
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] delimiter = concat(CRLF, dashBoundary);

        int pos;
        if (startsWith(body, 0, dashBoundary)) {
            pos = dashBoundary.length;
        } else {
            int first = indexOf(body, delimiter, 0); // after a preamble
            if (first < 0) {
                throw new IllegalArgumentException("multipart body: no boundary " + Names.quote(boundary));
            }
            pos = first + delimiter.length;
        }
        List<Part> parts = new ArrayList<>();
        while (!startsWith(body, pos, DASHES)) { // "--" after a boundary closes the body; the epilogue is ignored
            if (pos >= body.length) {
                throw new IllegalArgumentException(
                        "multipart body: ends without a closing boundary (expected: --" + boundary + "--)");
            }
            while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++;
            }
            if (!startsWith(body, pos, CRLF)) {
                throw new IllegalArgumentException("multipart body: junk after boundary " + (parts.size() + 1)
                        + " (expected: a line break or --)");
            }
            pos += CRLF.length;
            if (parts.size() == MAX_PARTS) {
                throw new IllegalArgumentException(
                        "multipart body: more than " + MAX_PARTS + " parts (expected: at most " + MAX_PARTS + ")");
            }
            int partNumber = parts.size() + 1;
            int contentStart;
            Map<String, String> headers;
            if (startsWith(body, pos, CRLF)) {
                headers = Map.of();
                contentStart = pos + CRLF.length;
            } else {
                int headersEnd = indexOf(body, BLANK_LINE, pos);
                if (headersEnd < 0 || headersEnd - pos > MAX_HEADER_BYTES) {
                    throw new IllegalArgumentException("multipart part " + partNumber + ": headers do not end within "
                            + MAX_HEADER_BYTES + " bytes");
                }
                headers = headers(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8), partNumber);
                contentStart = headersEnd + BLANK_LINE.length;
            }
            int contentEnd = indexOf(body, delimiter, contentStart);
            if (contentEnd < 0) {
                throw new IllegalArgumentException(
                        "multipart part " + partNumber + ": does not end (expected: a boundary after its content)");
            }
            parts.add(part(headers, Arrays.copyOfRange(body, contentStart, contentEnd), partNumber));
            pos = contentEnd + delimiter.length;
        }
        return new MultipartForm(parts);
    }

    private static Part part(Map<String, String> headers, byte[] content, int partNumber) {
        String disposition = headers.get("content-disposition");
        if (disposition == null || !disposition.split(";", 2)[0].trim().equalsIgnoreCase("form-data")) {
            throw new IllegalArgumentException("multipart part " + partNumber
                    + ": no Content-Disposition: form-data (expected: form-data; name=\"…\")");
        }
        Map<String, String> parameters = parameters(disposition.substring(disposition.indexOf(';') + 1));
        String name = disposition.indexOf(';') < 0 ? null : parameters.get("name");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "multipart part " + partNumber + ": no field name (expected: form-data; name=\"…\")");
        }
        return new Part(name, parameters.get("filename"), headers.getOrDefault("content-type", "text/plain"), content);
    }

    /** A part's header lines: lower-case name to value. */
    private static Map<String, String> headers(String block, int partNumber) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("multipart part " + partNumber + ": malformed header line "
                        + Names.quote(line) + " (expected: Name: value)");
            }
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** {@code a=b; c="d; e"}: lower-case names to values, quotes removed. */
    private static Map<String, String> parameters(String text) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ';' || text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ';') {
                i++;
            }
            String name = text.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && text.charAt(i) == '=') {
                i++;
                if (i < n && text.charAt(i) == '"') {
                    int close = text.indexOf('"', i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException(
                                "parameter " + Names.quote(name) + ": unterminated quoted value");
                    }
                    value = text.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int valueStart = i;
                    while (i < n && text.charAt(i) != ';') {
                        i++;
                    }
                    value = text.substring(valueStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                parameters.putIfAbsent(name, value);
            }
        }
        return parameters;
    }

    private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
        return from + prefix.length <= bytes.length
                && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] bytes, byte[] pattern, int from) {
        byte first = pattern[0];
        for (int i = from, last = bytes.length - pattern.length; i <= last; i++) {
            if (bytes[i] == first && startsWith(bytes, i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
