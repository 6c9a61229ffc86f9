package io.ssemux.server;

import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.RequestInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys that let a back end publish, read from a file: one key per line with the channels it may
 * publish to ({@code <key> jobs,project:*}), {@code #} comments and blank lines ignored. A request
 * presents its key as {@code Authorization: Bearer <key>}; the user is {@code api-key:} and the
 * first 8 hex digits of the key's SHA-256, so logs never show the key. Keys grant publishing only.
 *
 * <p>Keys are compared by their SHA-256, so a lookup takes no longer for a near miss than for a far
 * one. Immutable and thread-safe.
 */
final class ApiKeys {
    static final int MIN_KEY_LENGTH = 24;

    private final Map<String, Principal> byDigest;

    private ApiKeys(Map<String, Principal> byDigest) {
        this.byDigest = Map.copyOf(byDigest);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the line, for a malformed one
     */
    static ApiKeys read(Path file) throws IOException {
        Map<String, Principal> keys = new TreeMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1);
            String[] fields = line.split("\\s+", -1);
            if (fields.length != 2) {
                throw new IllegalArgumentException(
                        where + ": " + fields.length + " fields (expected: <key> <pattern>[,<pattern>…])");
            }
            if (fields[0].length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException(where + ": a key of " + fields[0].length()
                        + " characters (expected: at least " + MIN_KEY_LENGTH + ")");
            }
            List<String> patterns = new ArrayList<>(Arrays.asList(fields[1].split(",", -1)));
            Grants grants;
            try {
                grants = new Grants(List.of(), patterns, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            String digest = digest(fields[0]);
            if (keys.put(digest, Principal.of("api-key:" + digest.substring(0, 8), grants)) != null) {
                throw new IllegalArgumentException(where + ": the same key again (expected: each key once)");
            }
        }
        return new ApiKeys(keys);
    }

    /** An authenticator that knows these keys first, then asks {@code next} (which may be null: no one else). */
    Authenticator before(Authenticator next) {
        return new Authenticator() {
            @Override
            public Principal authenticate(RequestInfo request) {
                String authorization = request.header("Authorization");
                if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    Principal key =
                            byDigest.get(digest(authorization.substring(7).strip()));
                    if (key != null) {
                        return key;
                    }
                }
                if (next == null) {
                    throw SsemuxException.unauthorized("no valid API key (expected: 'Authorization: Bearer <key>')");
                }
                return next.authenticate(request);
            }
        };
    }

    int size() {
        return byDigest.size();
    }

    private static String digest(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
