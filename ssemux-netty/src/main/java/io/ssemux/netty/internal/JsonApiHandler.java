package io.ssemux.netty.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.Readiness;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Principal;
import java.util.ArrayList;
import java.util.EnumSet;
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
 * ssemux's JSON API: {@code POST /api/sse/publish}, {@code POST /api/sse/subscriptions},
 * {@code POST /api/sse/token}, {@code GET /api/sse/stats} and {@code GET /healthz}. Request bodies
 * are strict: {@code Content-Type: application/json} (else 415, which also keeps other sites' pages
 * from posting here with a form or a "simple" request), a JSON object with known fields only, each
 * of the expected type; anything else is a 400 that says what was expected.
 *
 * <p>Who may: publishing needs a publish grant on the channel; the stats need the admin grant,
 * unless the authenticator trusts anyone (development); a subscription change or a token refresh
 * applies only to a connection of the same user (the hub checks).
 *
 * <pre>
 * p.addLast(streamUpgrade);
 * p.addLast(api);             // NettyRequest of PUBLISH, SUBSCRIPTIONS, STATS, HEALTH in, FullHttpResponse out
 * p.addLast(applicationRoutes);
 * </pre>
 *
 * <p>Stateless and {@link Sharable}. Runs on the event loop; never blocks.
 */
@Sharable
final class JsonApiHandler extends EndpointHandler {
    private static final Logger log = LoggerFactory.getLogger(JsonApiHandler.class);
    private static final Set<String> PUBLISH_FIELDS = Set.of("channel", "type", "data");
    private static final Set<String> SUBSCRIPTION_FIELDS = Set.of("connectionId", "subscribe", "unsubscribe");
    private static final Set<String> TOKEN_FIELDS = Set.of("connectionId");

    /** The most entries {@code ?top=} lists, of channels and of users each. */
    static final int MAX_TOP = 100;
    /** The most {@code ?user=} or {@code ?channel=} values in one stats request. */
    static final int MAX_DETAILS = 100;

    private final Hub hub;
    private final boolean statsOpen;

    /**
     * @param statsOpen whether anyone may read the stats (development), rather than admins only
     */
    JsonApiHandler(Hub hub, boolean statsOpen) {
        super(EnumSet.of(
                Endpoint.PUBLISH,
                Endpoint.SUBSCRIPTIONS,
                Endpoint.TOKEN,
                Endpoint.STATS,
                Endpoint.HEALTH,
                Endpoint.READY));
        this.hub = hub;
        this.statsOpen = statsOpen;
    }

    @Override
    void serve(ChannelHandlerContext ctx, NettyRequest req) {
        CompletableFuture<FullHttpResponse> response = switch (req.endpoint()) {
            case PUBLISH -> publish(req);
            case SUBSCRIPTIONS -> subscriptions(req);
            case TOKEN -> token(req);
            case STATS -> stats(req);
            case HEALTH ->
                CompletableFuture.completedFuture(Responses.json(HttpResponseStatus.OK, Map.of("status", "ok")));
            case READY -> CompletableFuture.completedFuture(ready());
            default ->
                throw new IllegalStateException("endpoint: " + req.endpoint() + " (expected: one of the JSON API)");
        };
        respondWhenDone(ctx, response);
    }

    /**
     * Answers at once when the hub did (a single node), else when the cluster has: another node, or
     * Redis. The connection reads nothing more meanwhile, so pipelined requests are answered in order.
     */
    private static void respondWhenDone(ChannelHandlerContext ctx, CompletableFuture<FullHttpResponse> response) {
        if (response.isDone()) {
            respond(ctx, outcome(response));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        response.whenComplete((done, failure) -> ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(true);
            respond(ctx, outcome(response));
        }));
    }

    /** The response of a done future: its value, or the error it failed with. */
    private static FullHttpResponse outcome(CompletableFuture<FullHttpResponse> response) {
        try {
            return response.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SsemuxException refused) {
                return Responses.error(refused);
            }
            log.error("a request failed", e.getCause());
            return Responses.error(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the server failed to handle the request; see its log");
        }
    }

    /**
     * {@code /readyz}: 200 while the hub takes new streams; else 503 saying why ({@code draining},
     * {@code closed}, {@code backplane_unreachable}), so a load balancer sends new streams elsewhere.
     */
    private FullHttpResponse ready() {
        Readiness readiness = hub.readiness();
        String status = readiness.name().toLowerCase(Locale.ROOT);
        return Responses.json(
                readiness == Readiness.READY ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Map.of("status", status));
    }

    /** Answers once the hub has the event: at once on a single node, once Redis stored it in cluster mode. */
    private CompletableFuture<FullHttpResponse> publish(NettyRequest req) {
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
            return Responses.json(HttpResponseStatus.ACCEPTED, answer);
        });
    }

    private CompletableFuture<FullHttpResponse> subscriptions(NettyRequest req) {
        String user = req.user();
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
                .thenApply(channels -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("connectionId", connectionId);
                    answer.put("channels", new TreeSet<>(channels));
                    return Responses.json(HttpResponseStatus.OK, answer);
                });
    }

    private CompletableFuture<FullHttpResponse> token(NettyRequest req) {
        Principal principal = req.principal();
        checkJsonContentType(req.header("Content-Type"));
        String connectionId = text(JsonBody.read(req.body(), TOKEN_FIELDS, null), "connectionId");
        return hub.refreshAsync(connectionId, principal).thenApply(channels -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("connectionId", connectionId);
            answer.put("channels", new TreeSet<>(channels));
            answer.put(
                    "expiresAt",
                    principal.expiresAt() == null ? null : principal.expiresAt().toString());
            return Responses.json(HttpResponseStatus.OK, answer);
        });
    }

    private CompletableFuture<FullHttpResponse> stats(NettyRequest req) {
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
            return hub.clusterStats()
                    .thenApply(byNode -> Responses.json(HttpResponseStatus.OK, StatsJson.cluster(byNode)));
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
        return CompletableFuture.completedFuture(Responses.json(HttpResponseStatus.OK, answer));
    }

    /** The values of a detail parameter ({@code user}, {@code channel}): non-empty, at most {@value #MAX_DETAILS}. */
    private static List<String> details(NettyRequest req, String name) {
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
