package io.ssemux.core;

import io.ssemux.core.spi.EventLog;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.JsonText;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one node of a cluster asks the node that holds a connection, and its answers, as JSON text
 * (carried by the {@link io.ssemux.core.spi.Backplane}). Written and read only here.
 */
final class NodeRequests {
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String REFRESH = "refresh";
    static final String EVICT = "evict";

    private NodeRequests() {}

    static String subscriptions(
            String user, String connectionId, Collection<String> subscribe, Collection<String> unsubscribe) {
        return "{\"op\":\"" + SUBSCRIPTIONS + "\",\"user\":" + JsonText.quote(user) + ",\"connectionId\":"
                + JsonText.quote(connectionId) + ",\"subscribe\":" + JsonText.array(subscribe)
                + ",\"unsubscribe\":" + JsonText.array(unsubscribe) + "}";
    }

    static String refresh(String connectionId, Principal principal) {
        Grants grants = principal.grants();
        return "{\"op\":\"" + REFRESH + "\",\"connectionId\":" + JsonText.quote(connectionId) + ",\"user\":"
                + JsonText.quote(principal.user()) + ",\"subscribeGrants\":" + JsonText.array(grants.subscribe())
                + ",\"publishGrants\":" + JsonText.array(grants.publish()) + ",\"admin\":" + grants.admin()
                + ",\"expiresAt\":"
                + (principal.expiresAt() == null
                        ? "null"
                        : JsonText.quote(principal.expiresAt().toString())) + "}";
    }

    static String evict(String connectionId) {
        return "{\"op\":\"" + EVICT + "\",\"connectionId\":" + JsonText.quote(connectionId) + "}";
    }

    /** A request as read: its fields, of which {@code op} says which request it is. */
    static Map<String, Object> read(String request) {
        return JsonText.object(request);
    }

    static String op(Map<String, Object> request) {
        return JsonText.string(request, "op");
    }

    static String text(Map<String, Object> request, String name) {
        return JsonText.string(request, name);
    }

    static List<String> strings(Map<String, Object> request, String name) {
        List<String> values = JsonText.strings(request, name);
        return values == null ? List.of() : values;
    }

    static Principal principal(Map<String, Object> refresh) {
        String expiresAt = JsonText.string(refresh, "expiresAt");
        return new Principal(
                JsonText.string(refresh, "user"),
                new Grants(
                        strings(refresh, "subscribeGrants"),
                        strings(refresh, "publishGrants"),
                        Boolean.TRUE.equals(refresh.get("admin"))),
                expiresAt == null ? null : Instant.parse(expiresAt));
    }

    /** A node's stats for the others; the history is the shared log's, so it is left out. */
    static String report(HubStats stats) {
        return "{\"connections\":" + stats.connections() + ",\"users\":" + stats.users() + ",\"channels\":"
                + stats.channels() + ",\"eventsPublished\":" + stats.eventsPublished() + ",\"eventsDelivered\":"
                + stats.eventsDelivered() + ",\"eventsDropped\":" + stats.eventsDropped()
                + ",\"connectionsOpened\":" + stats.connectionsOpened() + ",\"connectionsClosed\":"
                + stats.connectionsClosed() + ",\"connectionsEvicted\":" + stats.connectionsEvicted()
                + ",\"slowConsumerDisconnects\":" + stats.slowConsumerDisconnects() + ",\"bytesWritten\":"
                + stats.bytesWritten() + "}";
    }

    /** A report read back, with the shared {@code history}; null when it is not one. */
    static HubStats stats(String report, EventLog.Stats history) {
        try {
            Map<String, Object> fields = JsonText.object(report);
            return new HubStats(
                    (int) count(fields, "connections"),
                    (int) count(fields, "users"),
                    (int) count(fields, "channels"),
                    count(fields, "eventsPublished"),
                    count(fields, "eventsDelivered"),
                    count(fields, "eventsDropped"),
                    count(fields, "connectionsOpened"),
                    count(fields, "connectionsClosed"),
                    count(fields, "connectionsEvicted"),
                    count(fields, "slowConsumerDisconnects"),
                    count(fields, "bytesWritten"),
                    history);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    private static long count(Map<String, Object> fields, String name) {
        java.math.BigDecimal n = JsonText.number(fields, name);
        return n == null ? 0 : n.longValueExact();
    }

    static String channels(Set<String> channels) {
        return "{\"channels\":" + JsonText.array(channels) + "}";
    }

    static String done() {
        return "{\"done\":true}";
    }

    static String error(SsemuxException e) {
        return "{\"error\":" + JsonText.quote(e.kind().code()) + ",\"message\":" + JsonText.quote(e.getMessage()) + "}";
    }

    /**
     * The channels an answer names.
     *
     * @throws SsemuxException the error the other node answered with
     */
    static Set<String> channelsOf(String answer, Duration retry) {
        Map<String, Object> fields = JsonText.object(answer);
        String error = JsonText.string(fields, "error");
        if (error != null) {
            throw errorOf(error, JsonText.string(fields, "message"), retry);
        }
        return Set.copyOf(strings(fields, "channels"));
    }

    private static SsemuxException errorOf(String code, String message, Duration retry) {
        return switch (code) {
            case "bad_request" -> SsemuxException.badRequest(message);
            case "forbidden" -> SsemuxException.forbidden(message);
            case "not_found" -> SsemuxException.notFound(message);
            default -> SsemuxException.unavailable(message, retry);
        };
    }
}
