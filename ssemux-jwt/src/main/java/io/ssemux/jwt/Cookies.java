package io.ssemux.jwt;

/** Reads one cookie from a {@code Cookie} header ({@code a=1; b=2}), as RFC 6265 §5.4 sends them. */
final class Cookies {
    private Cookies() {}

    /** The value of cookie {@code name} (without surrounding double quotes), or {@code null}. */
    static String value(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String pair : header.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }
}
