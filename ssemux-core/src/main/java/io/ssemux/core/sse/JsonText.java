package io.ssemux.core.sse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that ssemux reads and writes itself: its own events ({@link ControlEvents}), the
 * bodies of its API and their error answers. Not a general JSON library: the data of application
 * events is never re-printed, only cut out of the text ({@link #rawMembers}). Thread-safe (stateless).
 *
 * <p>The reader is a strict recursive-descent reader of RFC 8259, at most {@value #MAX_DEPTH} levels
 * deep, that returns a {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code BigDecimal}, {@code Boolean} or {@code null}. The values that
 * {@link #rawMembers} cuts out are only checked, never built: any depth and any number the server
 * accepts from a publisher pass. {@link #quote} is the one JSON string writer of the Java code base.
 */
public final class JsonText {
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private JsonText(String text) {
        this.text = text;
    }

    /**
     * The value of {@code text}, which must be one JSON value and nothing else.
     *
     * @throws IllegalArgumentException if it is not
     */
    public static Object parse(String text) {
        JsonText json = new JsonText(text);
        Object value = json.value(0);
        json.skipWhitespace();
        if (json.pos != text.length()) {
            throw json.error("trailing characters");
        }
        return value;
    }

    /**
     * The members of the JSON object {@code text}.
     *
     * @throws IllegalArgumentException if it is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + abbreviate(text));
        }
        return (Map<String, Object>) value;
    }

    /** Member {@code name} of {@code object} if it is a string, else {@code null}. */
    public static String string(Map<String, Object> object, String name) {
        return object.get(name) instanceof String s ? s : null;
    }

    /** Member {@code name} of {@code object} if it is a number, else {@code null}. */
    public static BigDecimal number(Map<String, Object> object, String name) {
        return object.get(name) instanceof BigDecimal n ? n : null;
    }

    /** The strings of array member {@code name} of {@code object}; {@code null} if it is not an array of strings. */
    public static List<String> strings(Map<String, Object> object, String name) {
        if (!(object.get(name) instanceof List<?> list)) {
            return null;
        }
        List<String> strings = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof String s)) {
                return null;
            }
            strings.add(s);
        }
        return strings;
    }

    /**
     * The members of the JSON object {@code text}, each as the exact text of its value (a string
     * member keeps its quotes): how the data of an envelope is taken without being re-printed.
     * The whole text is checked to be well-formed; the values are not read, so they may be nested
     * at any depth and hold numbers of any size, as a publisher's data may.
     *
     * @throws IllegalArgumentException if {@code text} is not a JSON object
     */
    public static Map<String, String> rawMembers(String text) {
        JsonText json = new JsonText(text);
        json.skipWhitespace();
        if (json.pos == text.length() || text.charAt(json.pos) != '{') {
            throw new IllegalArgumentException("not a JSON object: " + abbreviate(text));
        }
        Map<String, String> members = new LinkedHashMap<>();
        json.pos++;
        json.skipWhitespace();
        if (!json.consume('}')) {
            do {
                json.skipWhitespace();
                if (json.pos == text.length() || text.charAt(json.pos) != '"') {
                    throw json.error("a member name expected");
                }
                String name = json.string();
                json.skipWhitespace();
                json.expect(':');
                json.skipWhitespace();
                int start = json.pos;
                json.skipValue();
                members.put(name, text.substring(start, json.pos));
                json.skipWhitespace();
            } while (json.consume(','));
            json.expect('}');
        }
        json.skipWhitespace();
        if (json.pos != text.length()) {
            throw json.error("trailing characters");
        }
        return members;
    }

    /**
     * {@code value} as a JSON string literal. Besides what RFC 8259 requires, U+2028 and U+2029 are
     * escaped, so the literal is also safe inside JavaScript source and on one SSE {@code data:} line.
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** The strings as a JSON array. */
    public static String array(Collection<String> values) {
        StringBuilder sb = new StringBuilder().append('[');
        String separator = "";
        for (String value : values) {
            sb.append(separator).append(quote(value));
            separator = ",";
        }
        return sb.append(']').toString();
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        skipWhitespace();
        if (pos == text.length()) {
            throw error("a value expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", true);
            case 'f' -> literal("false", false);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    /**
     * Checks the value here and moves past it, building nothing: iterative, so the depth is bounded
     * by the text alone, and numbers are not converted.
     */
    private void skipValue() {
        StringBuilder open = new StringBuilder(); // the containers not yet closed, '{' or '[', innermost last
        while (true) {
            skipWhitespace();
            if (pos == text.length()) {
                throw error("a value expected");
            }
            char c = text.charAt(pos);
            if (c == '{' || c == '[') {
                pos++;
                skipWhitespace();
                if (!consume(c == '{' ? '}' : ']')) {
                    open.append(c);
                    if (c == '{') {
                        memberName();
                    }
                    continue;
                }
            } else if (c == '"') {
                string();
            } else if (c == 't') {
                literal("true", true);
            } else if (c == 'f') {
                literal("false", false);
            } else if (c == 'n') {
                literal("null", null);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                numberText();
            } else {
                throw error("unexpected character '" + c + "'");
            }
            // A value is complete: it is followed by the next member or element, or closes its container.
            while (true) {
                if (open.length() == 0) {
                    return;
                }
                char container = open.charAt(open.length() - 1);
                skipWhitespace();
                if (consume(',')) {
                    if (container == '{') {
                        memberName();
                    }
                    break;
                }
                expect(container == '{' ? '}' : ']');
                open.setLength(open.length() - 1);
            }
        }
    }

    /** A member's name and its colon. */
    private void memberName() {
        skipWhitespace();
        if (pos == text.length() || text.charAt(pos) != '"') {
            throw error("a member name expected");
        }
        string();
        skipWhitespace();
        expect(':');
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> members = new LinkedHashMap<>();
        pos++;
        skipWhitespace();
        if (consume('}')) {
            return members;
        }
        do {
            skipWhitespace();
            if (pos == text.length() || text.charAt(pos) != '"') {
                throw error("a member name expected");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            members.put(name, value(depth + 1));
            skipWhitespace();
        } while (consume(','));
        expect('}');
        return members;
    }

    private List<Object> array(int depth) {
        List<Object> elements = new ArrayList<>();
        pos++;
        skipWhitespace();
        if (consume(']')) {
            return elements;
        }
        do {
            elements.add(value(depth + 1));
            skipWhitespace();
        } while (consume(','));
        expect(']');
        return elements;
    }

    private String string() {
        pos++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos == text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos == text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos++), 16);
                        if (digit < 0) {
                            throw error("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    sb.append((char) code);
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private BigDecimal number() {
        return new BigDecimal(numberText());
    }

    /** The text of the number here, checked against the grammar and not converted. */
    private String numberText() {
        int start = pos;
        consume('-');
        if (consume('0')) {
            // no more integer digits after a leading zero
        } else if (!digits()) {
            throw error("a digit expected");
        }
        if (consume('.') && !digits()) {
            throw error("a digit expected after '.'");
        }
        if (consume('e') || consume('E')) {
            if (!consume('+')) {
                consume('-');
            }
            if (!digits()) {
                throw error("a digit expected in the exponent");
            }
        }
        return text.substring(start, pos);
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected word");
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw error("'" + c + "' expected");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("malformed JSON at " + pos + ": " + what + ": " + abbreviate(text));
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
