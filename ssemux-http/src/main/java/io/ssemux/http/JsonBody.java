package io.ssemux.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request body that must be one JSON object with known members only, read strictly: well-formed
 * UTF-8 (no overlong forms, no encoded surrogates), well-formed JSON within Jackson's limits (depth,
 * number length), no duplicate or unknown member, nothing after the object. One member may be kept
 * as its exact text ({@code data} of a publish: delivered byte for byte, never re-printed); the
 * others are read as trees. Every failure is a {@code BAD_REQUEST} that says what is wrong and where.
 *
 * @param members the members read as trees
 * @param raw     the exact text of the member kept raw, or {@code null} when it was absent
 */
record JsonBody(Map<String, JsonNode> members, String raw) {
    /** Reads one member's value where the parser stands; the object goes on after it. */
    private static final ObjectReader MEMBER =
            Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads {@code bytes}.
     *
     * @param fields   the members the object may have
     * @param rawField the member to keep as exact text, or {@code null}
     */
    static JsonBody read(byte[] bytes, Set<String> fields, String rawField) {
        String expected = "a JSON object with " + String.join(", ", new TreeSet<>(fields));
        if (bytes.length == 0) {
            throw SsemuxException.badRequest("body: empty (expected: " + expected + ")");
        }
        checkUtf8(bytes);
        Map<String, JsonNode> members = new HashMap<>();
        String raw = null;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw SsemuxException.badRequest("body: not a JSON object (expected: " + expected + ")");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (!fields.contains(name)) {
                    throw SsemuxException.badRequest("field " + Names.quote(name) + ": unknown (expected: "
                            + String.join(", ", new TreeSet<>(fields)) + ")");
                }
                JsonToken value = parser.nextToken();
                if (name.equals(rawField)) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    if (value.isStructStart()) {
                        parser.skipChildren();
                    } else {
                        parser.finishToken();
                    }
                    int end = (int) parser.currentLocation().getByteOffset();
                    raw = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                } else {
                    members.put(name, MEMBER.readTree(parser));
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw SsemuxException.badRequest("body: more after the JSON object (expected: " + expected + " alone)");
            }
        } catch (StreamConstraintsException e) {
            throw SsemuxException.badRequest("body: beyond the limits of a JSON body: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw SsemuxException.badRequest("body: malformed JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw SsemuxException.badRequest("body: unreadable: " + e.getMessage());
        }
        return new JsonBody(members, raw);
    }

    /** Refuses bytes that are not well-formed UTF-8, naming the offset of the first bad one. */
    private static void checkUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(bytes.length, 8192));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw SsemuxException.badRequest("body: not UTF-8 at byte " + in.position()
                        + " (expected: well-formed UTF-8, without overlong forms or encoded surrogates)");
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }
}
