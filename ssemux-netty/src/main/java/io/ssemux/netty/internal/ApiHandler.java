package io.ssemux.netty.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.HubStats;
import io.ssemux.core.Names;
import io.ssemux.core.PublishResult;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Principal;
import io.ssemux.netty.RouteResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes complete requests: ssemux's endpoints, then the application's routes. Stateless, so one
 * instance serves every connection. Runs on the event loop; nothing here blocks.
 */
@Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    private static final Set<String> PUBLISH_FIELDS = Set.of("channel", "type", "data");
    private static final Set<String> SUBSCRIPTION_FIELDS = Set.of("connectionId", "subscribe", "unsubscribe");

    private final ServerConfig config;
    private final Hub hub;

    ApiHandler(ServerConfig config) {
        this.config = config;
        this.hub = config.hub();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed HTTP request: " + request.decoderResult().cause().getMessage()));
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        try {
            query.path();
        } catch (IllegalArgumentException e) {
            respond(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "path: malformed percent-encoding (expected: %XX with two hex digits)"));
            return;
        }
        NettyRequest req = new NettyRequest(ctx, request, query, config.authenticator());
        try {
            switch (query.path()) {
                case Routes.STREAM -> {
                    if (allowed(ctx, request, HttpMethod.GET)) {
                        stream(ctx, request, req);
                    }
                }
                case Routes.PUBLISH -> {
                    if (allowed(ctx, request, HttpMethod.POST)) {
                        respond(ctx, publish(req));
                    }
                }
                case Routes.SUBSCRIPTIONS -> {
                    if (allowed(ctx, request, HttpMethod.POST)) {
                        respond(ctx, subscriptions(req));
                    }
                }
                case Routes.STATS -> {
                    if (allowed(ctx, request, HttpMethod.GET)) {
                        respond(ctx, Responses.json(HttpResponseStatus.OK, stats(req.queryParameter("user"))));
                    }
                }
                case Routes.HEALTH -> {
                    if (allowed(ctx, request, HttpMethod.GET)) {
                        respond(ctx, Responses.json(HttpResponseStatus.OK, Map.of("status", "ok")));
                    }
                }
                default -> route(ctx, req);
            }
        } catch (SsemuxException e) {
            respond(ctx, Responses.error(e));
        } catch (Exception e) {
            log.error("{} {} failed", request.method(), query.path(), e);
            respond(ctx, Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "the server failed to handle the request; see its log"));
        }
    }

    private static boolean allowed(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method) {
        if (request.method().equals(method)) {
            return true;
        }
        FullHttpResponse response = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                request.method() + " " + new QueryStringDecoder(request.uri()).path() + ": not allowed (expected: " + method + ")");
        response.headers().set(HttpHeaderNames.ALLOW, method.name());
        respond(ctx, response);
        return false;
    }

    // ---- GET /api/sse/stream ----

    private void stream(ChannelHandlerContext ctx, FullHttpRequest request, NettyRequest req) {
        Principal principal = req.principal();
        List<String> channels = channels(req.queryParameters("channels"));
        Format format = Format.parse(req.queryParameter("format"));
        String lastEventId = request.headers().get("Last-Event-ID");
        if (lastEventId == null || lastEventId.isEmpty()) {
            lastEventId = req.queryParameter("lastEventId");
        }
        if (lastEventId != null && lastEventId.isEmpty()) {
            lastEventId = null;
        }
        boolean chunked = !request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        SseStreamHandler stream = new SseStreamHandler(ctx.channel(), chunked,
                config.streamExecutors().of(ctx.channel().eventLoop()));
        // The hub queues the opening frames on this event loop: they run after this method returns.
        Connection connection = hub.connect(new ConnectRequest(principal, channels, format, lastEventId, req.remoteAddress()), stream);

        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Accel-Buffering", "no");
        if (chunked) {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        // A stream's connection is never reused: saying so keeps clients from pooling it once it ends.
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
        // From here on the connection carries only SSE bytes: drop the HTTP handlers.
        ChannelPipeline p = ctx.pipeline();
        p.remove(Handlers.BODY);
        p.remove(Handlers.BODY_LIMIT);
        p.remove(Handlers.KEEP_ALIVE);
        if (p.get(Handlers.CORS) != null) {
            p.remove(Handlers.CORS);
        }
        p.remove(Handlers.HTTP);
        p.replace(this, Handlers.STREAM, stream);
        stream.attach(connection);
    }

    /** No {@code channels} parameter means {@code all}; an empty one means none (yet). */
    private List<String> channels(List<String> values) {
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

    // ---- POST /api/sse/publish ----

    private FullHttpResponse publish(NettyRequest req) {
        req.user();
        JsonNode body = jsonObject(req, PUBLISH_FIELDS);
        String channel = text(body, "channel");
        String type = text(body, "type");
        JsonNode data = body.get("data");
        if (data == null) {
            throw SsemuxException.badRequest("data: missing (expected: any JSON value)");
        }
        String json;
        try {
            json = Responses.JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw SsemuxException.badRequest("data: cannot be written as JSON");
        }
        PublishResult result = hub.publish(channel, type, json);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", result.id());
        answer.put("delivered", result.delivered());
        return Responses.json(HttpResponseStatus.ACCEPTED, answer);
    }

    // ---- POST /api/sse/subscriptions ----

    private FullHttpResponse subscriptions(NettyRequest req) {
        String user = req.user();
        JsonNode body = jsonObject(req, SUBSCRIPTION_FIELDS);
        String connectionId = text(body, "connectionId");
        List<String> subscribe = textArray(body, "subscribe");
        List<String> unsubscribe = textArray(body, "unsubscribe");
        if (subscribe == null && unsubscribe == null) {
            throw SsemuxException.badRequest("subscribe, unsubscribe: both missing (expected: at least one array of channels)");
        }
        Set<String> channels = hub.updateSubscriptions(user, connectionId,
                subscribe == null ? List.of() : subscribe, unsubscribe == null ? List.of() : unsubscribe);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connectionId", connectionId);
        answer.put("channels", new TreeSet<>(channels));
        return Responses.json(HttpResponseStatus.OK, answer);
    }

    // ---- GET /api/sse/stats ----

    private Map<String, Object> stats(String user) {
        HubStats s = hub.stats();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connections", s.connections());
        answer.put("users", s.users());
        Map<String, Integer> perUser = new TreeMap<>(s.connectionsPerUser());
        if (user != null) {
            perUser = Map.of(user, s.connectionsPerUser().getOrDefault(user, 0));
        }
        answer.put("connectionsPerUser", perUser);
        answer.put("subscribersPerChannel", new TreeMap<>(s.subscribersPerChannel()));
        answer.put("eventsPublished", s.eventsPublished());
        answer.put("eventsDelivered", s.eventsDelivered());
        answer.put("eventsDropped", s.eventsDropped());
        answer.put("connectionsOpened", s.connectionsOpened());
        answer.put("connectionsClosed", s.connectionsClosed());
        answer.put("connectionsEvicted", s.connectionsEvicted());
        answer.put("slowConsumerDisconnects", s.slowConsumerDisconnects());
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("events", s.history().events());
        history.put("bytes", s.history().bytes());
        history.put("oldestId", s.history().oldestId());
        history.put("newestId", s.history().newestId());
        answer.put("history", history);
        Runtime runtime = Runtime.getRuntime();
        answer.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
        return answer;
    }

    // ---- application routes ----

    private void route(ChannelHandlerContext ctx, NettyRequest req) throws Exception {
        Routes.Route route = config.routes().find(req.path());
        if (route == null) {
            throw SsemuxException.notFound("path " + Names.quote(req.path()) + ": no such endpoint");
        }
        RouteResponse answer = route.handler().handle(req);
        FullHttpResponse response = Responses.bytes(HttpResponseStatus.valueOf(answer.status()), answer.contentType(), answer.body());
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        respond(ctx, response);
    }

    // ---- JSON bodies ----

    private static JsonNode jsonObject(NettyRequest req, Set<String> fields) {
        byte[] bytes = req.body();
        if (bytes.length == 0) {
            throw SsemuxException.badRequest("body: empty (expected: a JSON object with " + String.join(", ", new TreeSet<>(fields)) + ")");
        }
        JsonNode body;
        try {
            body = Responses.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw SsemuxException.badRequest("body: malformed JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw SsemuxException.badRequest("body: unreadable: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw SsemuxException.badRequest("body: not a JSON object (expected: an object with " + String.join(", ", new TreeSet<>(fields)) + ")");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw SsemuxException.badRequest("field " + Names.quote(name) + ": unknown (expected: " + String.join(", ", new TreeSet<>(fields)) + ")");
            }
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw SsemuxException.badRequest(field + ": missing (expected: a string)");
        }
        if (!node.isTextual()) {
            throw SsemuxException.badRequest(field + ": " + node.getNodeType().name().toLowerCase() + " (expected: a string)");
        }
        return node.asText();
    }

    private static List<String> textArray(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw SsemuxException.badRequest(field + ": " + node.getNodeType().name().toLowerCase() + " (expected: an array of channel names)");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw SsemuxException.badRequest(field + ": holds " + element.getNodeType().name().toLowerCase() + " (expected: channel names as strings)");
            }
            values.add(element.asText());
        }
        return values;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
