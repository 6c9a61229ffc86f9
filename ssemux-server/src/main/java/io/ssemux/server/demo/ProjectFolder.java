package io.ssemux.server.demo;

import io.ssemux.core.Names;
import java.util.regex.Pattern;

/**
 * The name of a project folder. Only {@code [A-Za-z0-9_-]{1,64}}: no dot, slash or backslash, so
 * a name can never lead out of the data directory ({@code ..}, absolute paths, {@code %2e%2e}
 * once decoded).
 *
 * @param name the folder's name, as in URLs, events and the manifest
 */
record ProjectFolder(String name) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    ProjectFolder {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "project folder " + Names.quote(name) + ": invalid name (expected: " + NAME.pattern() + ")");
        }
    }
}
