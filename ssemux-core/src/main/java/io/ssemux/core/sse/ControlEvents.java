package io.ssemux.core.sse;

import io.ssemux.core.Names;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * ssemux's own events and the envelope, as {@code docs/PROTOCOL.md} defines them: each is a record
 * that writes its JSON ({@code toJson()}) and reads it back ({@code parse}), here and nowhere else.
 * The hub writes them, the Java client and the tests read them. Thread-safe (immutable values).
 */
public final class ControlEvents {
    /** The first event of every stream. */
    public static final String CONNECTED = "connected";
    /** The stream could not resume where the client asked. */
    public static final String RESET = "reset";
    /** The stream was closed because its user opened one too many. */
    public static final String EVICTED = "evicted";
    /** A heartbeat, as an event on envelope streams (plain streams get a comment). */
    public static final String HEARTBEAT = "heartbeat";
    /** The stream's credential expires soon: refresh it, or the stream ends at its expiry. */
    public static final String TOKEN_EXPIRING = "token_expiring";
    /** The stream's credential expired: the stream ends; reconnect with a fresh one. */
    public static final String TOKEN_EXPIRED = "token_expired";
    /** A refreshed credential no longer grants some of the stream's channels: they were dropped. */
    public static final String REVOKED = "revoked";
    /** The server is draining for a restart: the stream ends; reconnect after the delay (to another node). */
    public static final String DRAINING = "draining";

    private ControlEvents() {}

    /**
     * The data of {@code connected}.
     *
     * @param connectionId the id to change the stream's subscriptions with
     * @param channels     the channels it carries, sorted when written
     * @param heartbeat    the interval of the heartbeat, written in seconds ({@code 30}, {@code 0.25})
     */
    public record Connected(String connectionId, List<String> channels, Duration heartbeat) {
        public Connected {
            Objects.requireNonNull(connectionId, "connectionId");
            channels = List.copyOf(channels);
            Objects.requireNonNull(heartbeat, "heartbeat");
        }

        public String toJson() {
            return "{\"connectionId\":" + JsonText.quote(connectionId) + ",\"channels\":"
                    + JsonText.array(new TreeSet<>(channels)) + ",\"heartbeatSeconds\":" + seconds(heartbeat) + "}";
        }

        /**
         * Reads the data of a {@code connected} event.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static Connected parse(String json) {
            Map<String, Object> data = JsonText.object(json);
            String id = JsonText.string(data, "connectionId");
            List<String> channels = JsonText.strings(data, "channels");
            BigDecimal seconds = JsonText.number(data, "heartbeatSeconds");
            if (id == null || channels == null || seconds == null || seconds.signum() <= 0) {
                throw new IllegalArgumentException("not the data of a connected event: " + abbreviate(json));
            }
            return new Connected(
                    id, channels, Duration.ofNanos(seconds.movePointRight(9).longValue()));
        }
    }

    /**
     * The data of {@code reset}.
     *
     * @param reason      {@code too_old} or {@code unknown_id}
     * @param lastEventId the id the client asked to resume after
     */
    public record Reset(String reason, String lastEventId) {
        public Reset {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(lastEventId, "lastEventId");
        }

        public String toJson() {
            return "{\"reason\":" + JsonText.quote(reason) + ",\"lastEventId\":" + JsonText.quote(lastEventId) + "}";
        }

        /**
         * Reads the data of a {@code reset} event; a missing member reads as {@code ""}.
         *
         * @throws IllegalArgumentException if it is not a JSON object
         */
        public static Reset parse(String json) {
            Map<String, Object> data = JsonText.object(json);
            String reason = JsonText.string(data, "reason");
            String lastEventId = JsonText.string(data, "lastEventId");
            return new Reset(reason == null ? "" : reason, lastEventId == null ? "" : lastEventId);
        }
    }

    /**
     * The data of {@code evicted}.
     *
     * @param reason why ({@code too_many_connections})
     * @param limit  the per-user limit that was passed
     */
    public record Evicted(String reason, int limit) {
        public Evicted {
            Objects.requireNonNull(reason, "reason");
        }

        /** The eviction of a user's oldest stream when {@code limit} is passed. */
        public static Evicted tooManyConnections(int limit) {
            return new Evicted("too_many_connections", limit);
        }

        public String toJson() {
            return "{\"reason\":" + JsonText.quote(reason) + ",\"limit\":" + limit + "}";
        }

        /**
         * Reads the data of an {@code evicted} event.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static Evicted parse(String json) {
            Map<String, Object> data = JsonText.object(json);
            String reason = JsonText.string(data, "reason");
            BigDecimal limit = JsonText.number(data, "limit");
            if (reason == null || limit == null) {
                throw new IllegalArgumentException("not the data of an evicted event: " + abbreviate(json));
            }
            return new Evicted(reason, limit.intValueExact());
        }
    }

    /**
     * The data of {@code token_expiring} and {@code token_expired}.
     *
     * @param expiresAt when the stream's credential expires (or expired)
     */
    public record TokenExpiry(Instant expiresAt) {
        public TokenExpiry {
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        public String toJson() {
            return "{\"expiresAt\":" + JsonText.quote(expiresAt.toString()) + "}";
        }

        /**
         * Reads the data of a {@code token_expiring} or {@code token_expired} event.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static TokenExpiry parse(String json) {
            String expiresAt = JsonText.string(JsonText.object(json), "expiresAt");
            if (expiresAt == null) {
                throw new IllegalArgumentException("not the data of a token event: " + abbreviate(json));
            }
            try {
                return new TokenExpiry(Instant.parse(expiresAt));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not the data of a token event: " + abbreviate(json), e);
            }
        }
    }

    /**
     * The data of {@code draining}: the stream ends now and its client should reconnect after
     * {@code reconnectAfter} (jittered per stream, so a node's clients do not all come back at once),
     * without counting it as a failure.
     */
    public record Draining(Duration reconnectAfter) {
        public Draining {
            Objects.requireNonNull(reconnectAfter, "reconnectAfter");
        }

        public String toJson() {
            return "{\"reason\":\"shutdown\",\"reconnectAfterMillis\":" + reconnectAfter.toMillis() + "}";
        }

        /**
         * Reads the data of a {@code draining} event.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static Draining parse(String json) {
            java.math.BigDecimal millis = JsonText.number(JsonText.object(json), "reconnectAfterMillis");
            if (millis == null || millis.signum() < 0) {
                throw new IllegalArgumentException("not the data of a draining event: " + abbreviate(json));
            }
            return new Draining(Duration.ofMillis(millis.longValue()));
        }
    }

    /**
     * The data of {@code revoked}.
     *
     * @param channels the channels the stream no longer carries, sorted when written
     */
    public record Revoked(List<String> channels) {
        public Revoked {
            channels = List.copyOf(channels);
        }

        public String toJson() {
            return "{\"channels\":" + JsonText.array(new TreeSet<>(channels)) + "}";
        }

        /**
         * Reads the data of a {@code revoked} event.
         *
         * @throws IllegalArgumentException if it is not one
         */
        public static Revoked parse(String json) {
            List<String> channels = JsonText.strings(JsonText.object(json), "channels");
            if (channels == null) {
                throw new IllegalArgumentException("not the data of a revoked event: " + abbreviate(json));
            }
            return new Revoked(channels);
        }
    }

    /**
     * An application event on a {@code format=envelope} stream: the data of an unnamed event.
     *
     * @param channel the channel it was published on
     * @param type    its type
     * @param data    the publisher's JSON text, exactly as published: cut out, never re-printed
     */
    public record Envelope(String channel, String type, String data) {
        public Envelope {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
        }

        public String toJson() {
            return "{\"channel\":" + JsonText.quote(channel) + ",\"type\":" + JsonText.quote(type) + ",\"data\":" + data
                    + "}";
        }

        /**
         * Reads an envelope, or answers {@code null} when {@code json} is not one (not an object of
         * exactly {@code channel}, {@code type} and {@code data}, or names outside their grammar).
         */
        public static Envelope parse(String json) {
            Map<String, String> members;
            try {
                members = JsonText.rawMembers(json);
            } catch (IllegalArgumentException e) {
                return null;
            }
            String channel = name(members.get("channel"));
            String type = name(members.get("type"));
            String data = members.get("data");
            if (members.size() != 3 || channel == null || type == null || data == null) {
                return null;
            }
            return new Envelope(channel, type, data);
        }

        private static String name(String raw) {
            if (raw == null || !raw.startsWith("\"")) {
                return null;
            }
            Object value = JsonText.parse(raw);
            return value instanceof String s && Names.isValid(s) ? s : null;
        }
    }

    /** Whole seconds as an integer, else as a decimal ({@code 0.25}). */
    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0
                ? Long.toString(millis / 1000)
                : BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
