package io.ssemux.core.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One test vector of {@code sse-vectors/vectors.txt}; the format is described in that file. */
@SuppressWarnings("ArrayRecordComponent") // a test vector read from a file, never compared or hashed
record SseVector(String name, byte[] input, List<String> expectedCalls, String expectedLastEventId) {

    static List<SseVector> load(String resource) {
        List<SseVector> vectors = new ArrayList<>();
        List<String> lines = readLines(resource);
        String name = null;
        ByteArrayOutputStream input = null;
        List<String> calls = null;
        String lastId = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String where = resource + ":" + (n + 1);
            if (line.endsWith(" ") || line.endsWith("\t")) {
                throw new IllegalArgumentException(where + ": trailing whitespace, write \\x20");
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("== ")) {
                if (name != null) {
                    vectors.add(new SseVector(name, input.toByteArray(), calls, lastId));
                }
                name = line.substring(3);
                input = new ByteArrayOutputStream();
                calls = new ArrayList<>();
                lastId = "\"\"";
            } else if (name == null) {
                throw new IllegalArgumentException(where + ": expected '== <name>' first");
            } else if (line.equals("in") || line.startsWith("in ")) {
                input.writeBytes(unescape(line.substring(Math.min(3, line.length())), where));
            } else if (line.startsWith("out ")) {
                calls.add(line.substring(4));
            } else if (line.startsWith("last-id ")) {
                lastId = line.substring(8);
            } else {
                throw new IllegalArgumentException(where + ": unknown line: " + line);
            }
        }
        if (name != null) {
            vectors.add(new SseVector(name, input.toByteArray(), calls, lastId));
        }
        return vectors;
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = SseVector.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unescape(String text, String where) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            int end = text.indexOf('\\', i);
            if (end < 0) {
                end = text.length();
            }
            out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (end == text.length()) {
                break;
            }
            if (end + 1 == text.length()) {
                throw new IllegalArgumentException(where + ": dangling backslash");
            }
            char escape = text.charAt(end + 1);
            i = end + 2;
            switch (escape) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i, i + 2), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException(where + ": unknown escape \\" + escape);
            }
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return name;
    }
}
