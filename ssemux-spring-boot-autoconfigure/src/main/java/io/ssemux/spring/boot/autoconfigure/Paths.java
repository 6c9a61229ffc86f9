package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;

/** What the two web auto-configurations share: the base path's check and the body limit. */
final class Paths {
    /** Room in a publish body beyond its data: the channel, the type and the JSON around them. */
    private static final int ENVELOPE_BYTES = 8 * 1024;

    private Paths() {}

    /** {@code path} when it is a base path: starts with {@code /}, does not end with one. */
    static String check(String path) {
        if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
            throw new IllegalStateException("ssemux.path: " + (path == null ? "null" : "'" + path + "'")
                    + " (expected: a path such as /api/sse, starting with / and not ending with one)");
        }
        return path;
    }

    /** The largest request body: a publish of the largest event the hub takes. */
    static int maxBodyBytes(Hub hub) {
        return hub.config().maxEventBytes() + ENVELOPE_BYTES;
    }
}
