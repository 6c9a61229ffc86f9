package io.ssemux.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.transport.ConnectRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ssemux's JSON API and the reading of a stream request, as {@code docs/PROTOCOL.md} defines them,
 * independent of the server that carries them: a transport routes a request to its
 * {@link ApiEndpoint}, calls {@link #serve} (or {@link #connectRequest} to open a stream) and sends
 * the {@link HttpAnswer} back as it is.
 *
 * <p>Request bodies are strict: {@code Content-Type: application/json} (else 415, which also keeps
 * other sites' pages from posting here with a form or a "simple" request), a JSON object with known
 * fields only, each of the expected type; anything else is a 400 that says what was expected.
 *
 * <p>Who may: publishing needs a publish grant on the channel; the stats need the admin grant, unless
 * the API was made with {@code statsOpen} (development); a subscription change or a token refresh
 * applies only to a connection of the same user (the hub checks).
 *
 * <p>Thread-safe and stateless; never blocks. On a single node every answer is ready when
 * {@link #serve} returns; in cluster mode some wait for Redis or another node.
 */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final Set<String> PUBLISH_FIELDS = Set.of("channel", "type", "data");
    private static final Set<String> SUBSCRIPTION_FIELDS = Set.of("connectionId", "subscribe", "unsubscribe");
    private static final Set<String> TOKEN_FIELDS = Set.of("connectionId");

    /** The headers of a stream's response, besides how its body is framed. */
    public static final Map<String, String> STREAM_HEADERS = streamHeaders();

    private static Map<String, String> streamHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/event-stream; charset=utf-8");
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Accel-Buffering", "no"); // nginx: pass each event on at once
        return Collections.unmodifiableMap(headers);
    }

    /** The most entries {@code ?top=} lists, of channels and of users each. */
    public static final int MAX_TOP = 100;
    /** The most {@code ?user=} or {@code ?channel=} values in one stats request. */
    public static final int MAX_DETAILS = 100;

    private final Hub hub;
    private final boolean statsOpen;

    /**
     * @param statsOpen whether anyone may read the stats (development), rather than admins only
     */
    public HttpApi(Hub hub, boolean statsOpen) {
        this.hub = hub;
        this.statsOpen = statsOpen;
    }

    /**
     * Answers a request to one of the JSON endpoints (not {@link ApiEndpoint#STREAM}). The future never
     * fails: a refusal is its JSON error, any other failure a logged 500.
     */
    public CompletableFuture<HttpAnswer> serve(ApiEndpoint endpoint, ApiRequest request) {
        CompletableFuture<HttpAnswer> answer;
        try {
            answer = switch (endpoint) {
                case PUBLISH -> publish(request);
                case SUBSCRIPTIONS -> subscriptions(request);
                case TOKEN -> token(request);
                case STATS -> stats(request);
                case STREAM -> throw new IllegalArgumentException("a stream is opened with connectRequest");
            };
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((done, failure) -> failure == null ? done : failed(endpoint, failure));
    }

    /**
     * The refusal of a request that names no endpoint ({@code 404}) or the wrong method for one
     * ({@code 405} with {@code Allow}), or {@code null} when {@code endpoint} answers {@code method}.
     *
     * @param endpoint what the request's path names, or {@code null} for nothing
     * @param path     the request's path as it came, for the message
     */
    public static HttpAnswer refusal(ApiEndpoint endpoint, String method, String path) {
        if (endpoint == null) {
            return HttpAnswer.error(
                    404,
                    "not_found",
                    "path " + Names.quote(path)
                            + ": no such endpoint (expected: one of stream, publish, subscriptions, token, stats)");
        }
        if (!endpoint.method().equals(method)) {
            return HttpAnswer.error(
                            405,
                            "method_not_allowed",
                            method + " " + path + ": not allowed (expected: " + endpoint.method() + ")")
                    .withHeader("Allow", endpoint.method());
        }
        return null;
    }

    /** The answer to a request that failed: its refusal, or a 500 that is logged. */
    public static HttpAnswer failed(Object what, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SsemuxException refused) {
            return HttpAnswer.error(refused);
        }
        log.error("{} failed", what, cause);
        return HttpAnswer.internalError();
    }

    /**
     * What a stream request ({@code GET /stream}) asks the hub for: its principal, channels
     * ({@code ?channels=a,b}, repeatable; none means {@code all}, an empty value none yet), format and
     * the id to resume after ({@code Last-Event-ID}, else {@code ?lastEventId=}).
     *
     * @throws SsemuxException a bad format, or nobody authenticated
     */
    public static ConnectRequest connectRequest(ApiRequest request) {
        Principal principal = request.principal();
        List<String> channels = channels(request.queryParameters("channels"));
        Format format = Format.parse(request.queryParameter("format"));
        String lastEventId = request.header("Last-Event-ID");
        if (lastEventId == null || lastEventId.isEmpty()) {
            lastEventId = request.queryParameter("lastEventId");
        }
        if (lastEventId != null && lastEventId.isEmpty()) {
            lastEventId = null;
        }
        return new ConnectRequest(principal, channels, format, lastEventId, request.remoteAddress());
    }

    /** No {@code channels} parameter means {@code all}; an empty one means none (yet). */
    private static List<String> channels(List<String> values) {
        if (values.isEmpty()) {
            return List.of("all");
        }
        List<String> channels = new ArrayList<>();
        for (String value : values) {
            if (value.isBlank()) {
                continue;
            }
            for (String channel : value.split(",", -1)) {
                channels.add(channel.trim());
            }
        }
        return channels;
    }

    /** Answers once the hub has the event: at once on a single node, once Redis stored it in cluster mode. */
    private CompletableFuture<HttpAnswer> publish(ApiRequest req) {
        Principal principal = req.principal();
        checkJsonContentType(req.header("Content-Type"));
        JsonBody body = JsonBody.read(req.body(), PUBLISH_FIELDS, "data");
        String channel = text(body, "channel");
        String type = text(body, "type");
        if (Names.isValid(channel) && !principal.grants().mayPublish(channel)) {
            throw SsemuxException.forbidden("channel " + Names.quote(channel) + ": publishing is not granted to user "
                    + Names.quote(principal.user()));
        }
        if (body.raw() == null) {
            throw SsemuxException.badRequest("data: missing (expected: any JSON value)");
        }
        return hub.publishAsync(channel, type, body.raw()).thenApply(result -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", result.id());
            answer.put("delivered", result.delivered());
            return HttpAnswer.json(202, answer);
        });
    }

    private CompletableFuture<HttpAnswer> subscriptions(ApiRequest req) {
        String user = req.principal().user();
        checkJsonContentType(req.header("Content-Type"));
        JsonBody body = JsonBody.read(req.body(), SUBSCRIPTION_FIELDS, null);
        String connectionId = text(body, "connectionId");
        List<String> subscribe = textArray(body, "subscribe");
        List<String> unsubscribe = textArray(body, "unsubscribe");
        if (subscribe == null && unsubscribe == null) {
            throw SsemuxException.badRequest(
                    "subscribe, unsubscribe: both missing (expected: at least one array of channels)");
        }
        return hub.updateSubscriptionsAsync(
                        user,
                        connectionId,
                        subscribe == null ? List.of() : subscribe,
                        unsubscribe == null ? List.of() : unsubscribe)
                .thenApply(channels -> channelsAnswer(connectionId, channels, null, false));
    }

    private CompletableFuture<HttpAnswer> token(ApiRequest req) {
        Principal principal = req.principal();
        checkJsonContentType(req.header("Content-Type"));
        String connectionId = text(JsonBody.read(req.body(), TOKEN_FIELDS, null), "connectionId");
        String expiresAt =
                principal.expiresAt() == null ? null : principal.expiresAt().toString();
        return hub.refreshAsync(connectionId, principal)
                .thenApply(channels -> channelsAnswer(connectionId, channels, expiresAt, true));
    }

    private static HttpAnswer channelsAnswer(
            String connectionId, Set<String> channels, String expiresAt, boolean withExpiry) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connectionId", connectionId);
        answer.put("channels", new TreeSet<>(channels));
        if (withExpiry) {
            answer.put("expiresAt", expiresAt);
        }
        return HttpAnswer.json(200, answer);
    }

    private CompletableFuture<HttpAnswer> stats(ApiRequest req) {
        if (!statsOpen) {
            Principal principal = req.principal();
            if (!principal.grants().admin()) {
                throw SsemuxException.forbidden(
                        "stats: not granted to user " + Names.quote(principal.user()) + " (expected: the admin grant)");
            }
        }
        String scope = req.queryParameter("scope");
        if (scope != null && !scope.equals("node")) {
            if (!scope.equals("cluster")) {
                throw SsemuxException.badRequest(
                        "scope: " + Names.quote(scope) + " (expected: node, the default, or cluster)");
            }
            return hub.clusterStats().thenApply(byNode -> HttpAnswer.json(200, StatsJson.cluster(byNode)));
        }
        Map<String, Object> answer = StatsJson.of(hub.stats(), StatsJson.heapUsedBytes());
        List<String> users = details(req, "user");
        if (!users.isEmpty()) {
            Map<String, Integer> perUser = new LinkedHashMap<>();
            for (String user : users) {
                perUser.put(user, hub.connectionsOf(user));
            }
            answer.put("connectionsPerUser", perUser);
        }
        List<String> channels = details(req, "channel");
        if (!channels.isEmpty()) {
            Map<String, Integer> perChannel = new LinkedHashMap<>();
            for (String channel : channels) {
                if (!Names.isValid(channel)) {
                    throw SsemuxException.badRequest(
                            "channel: " + Names.quote(channel) + " (expected: " + Names.GRAMMAR + ")");
                }
                perChannel.put(channel, hub.subscribersOf(channel));
            }
            answer.put("subscribersPerChannel", perChannel);
        }
        String top = req.queryParameter("top");
        if (top != null) {
            StatsJson.addTop(answer, hub.top(topCount(top)));
        }
        return CompletableFuture.completedFuture(HttpAnswer.json(200, answer));
    }

    /** The values of a detail parameter ({@code user}, {@code channel}): non-empty, at most {@value #MAX_DETAILS}. */
    private static List<String> details(ApiRequest req, String name) {
        List<String> values = req.queryParameters(name);
        if (values.size() > MAX_DETAILS) {
            throw SsemuxException.badRequest(
                    name + ": " + values.size() + " values (expected: at most " + MAX_DETAILS + ")");
        }
        for (String value : values) {
            if (value.isEmpty()) {
                throw SsemuxException.badRequest(name + ": empty (expected: a " + name + " name)");
            }
        }
        return values;
    }

    /** {@code ?top=n}: an integer from 1, capped at {@value #MAX_TOP}. */
    private static int topCount(String text) {
        int n = !text.matches("[0-9]+") ? 0 : text.length() > 9 ? MAX_TOP : Integer.parseInt(text);
        if (n < 1) {
            throw SsemuxException.badRequest("top: " + Names.quote(text) + " (expected: an integer from 1 to " + MAX_TOP
                    + "; more means " + MAX_TOP + ")");
        }
        return Math.min(n, MAX_TOP);
    }

    // ---- JSON bodies ----

    /** {@code application/json}, with or without parameters such as {@code charset=utf-8}. */
    private static void checkJsonContentType(String contentType) {
        if (contentType != null) {
            int semicolon = contentType.indexOf(';');
            String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
            if (mediaType.equalsIgnoreCase("application/json")) {
                return;
            }
        }
        throw SsemuxException.unsupportedMediaType("Content-Type "
                + (contentType == null ? "missing" : Names.quote(contentType)) + " (expected: application/json)");
    }

    private static String text(JsonBody body, String field) {
        JsonNode node = body.members().get(field);
        if (node == null || node.isNull()) {
            throw SsemuxException.badRequest(field + ": missing (expected: a string)");
        }
        if (!node.isTextual()) {
            throw SsemuxException.badRequest(
                    field + ": " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: a string)");
        }
        return node.asText();
    }

    private static List<String> textArray(JsonBody body, String field) {
        JsonNode node = body.members().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw SsemuxException.badRequest(field + ": "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: an array of channel names)");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw SsemuxException.badRequest(
                        field + ": holds " + element.getNodeType().name().toLowerCase(Locale.ROOT)
                                + " (expected: channel names as strings)");
            }
            values.add(element.asText());
        }
        return values;
    }
}
