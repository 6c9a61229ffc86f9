package io.ssemux.core.sse;

import java.util.ArrayList;
import java.util.List;

/** Records callbacks as the lines of {@code sse-vectors/vectors.txt} write them. */
final class RecordingListener implements SseListener {

    final List<String> calls = new ArrayList<>();

    @Override
    public void onEvent(SseMessage m) {
        calls.add("event type=" + quote(m.type()) + " data=" + quote(m.data()) + " id=" + quote(m.lastEventId()));
    }

    @Override
    public void onRetry(long millis) {
        calls.add("retry " + millis);
    }

    @Override
    public void onComment(String comment) {
        calls.add("comment " + quote(comment));
    }

    /** Java-like string literal: ASCII only, controls and non-ASCII as escapes. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
