package io.ssemux.jwt;

import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code ssemux} claim: {@code {"subscribe": [...], "publish": [...], "admin": true|false}},
 * every member optional. A token without the claim grants nothing but the user's own private channel.
 */
final class GrantsClaim {
    static final String NAME = "ssemux";
    private static final Set<String> MEMBERS = Set.of("subscribe", "publish", "admin");

    private GrantsClaim() {}

    /** The grants of {@code claim} (the claim's JSON object as a map, or {@code null} when absent). */
    static Grants read(Map<String, Object> claim) {
        if (claim == null) {
            return Grants.none();
        }
        for (String member : claim.keySet()) {
            if (!MEMBERS.contains(member)) {
                throw refused("member '" + member + "': unknown (expected: subscribe, publish, admin)");
            }
        }
        Object admin = claim.getOrDefault("admin", false);
        if (!(admin instanceof Boolean isAdmin)) {
            throw refused("admin: not a boolean");
        }
        try {
            return new Grants(patterns(claim, "subscribe"), patterns(claim, "publish"), isAdmin);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    private static List<String> patterns(Map<String, Object> claim, String member) {
        Object value = claim.get(member);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw refused(member + ": not an array of channel patterns");
        }
        List<String> patterns = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof String pattern)) {
                throw refused(member + ": holds a " + (element == null ? "null" : "non-string")
                        + " (expected: channel patterns)");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    private static SsemuxException refused(String why) {
        return SsemuxException.unauthorized("token: claim '" + NAME + "': " + why);
    }
}
