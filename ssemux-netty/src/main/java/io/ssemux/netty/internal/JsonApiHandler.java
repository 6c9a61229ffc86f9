package io.ssemux.netty.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.ssemux.core.Hub;
import io.ssemux.core.Readiness;
import io.ssemux.http.ApiEndpoint;
import io.ssemux.http.HttpAnswer;
import io.ssemux.http.HttpApi;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * ssemux's JSON API on Netty: {@code POST /api/sse/publish}, {@code POST /api/sse/subscriptions},
 * {@code POST /api/sse/token} and {@code GET /api/sse/stats}, answered by the transport-independent
 * {@link HttpApi}, and the probes {@code GET /healthz} and {@code GET /readyz}, which are this server's.
 *
 * <pre>
 * p.addLast(streamUpgrade);
 * p.addLast(api);             // NettyRequest of PUBLISH, SUBSCRIPTIONS, TOKEN, STATS, HEALTH, READY in, FullHttpResponse out
 * p.addLast(applicationRoutes);
 * </pre>
 *
 * <p>Stateless and {@link Sharable}. Runs on the event loop; never blocks.
 */
@Sharable
final class JsonApiHandler extends EndpointHandler {
    private final Hub hub;
    private final HttpApi api;

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
        this.api = new HttpApi(hub, statsOpen);
    }

    @Override
    void serve(ChannelHandlerContext ctx, NettyRequest req) {
        CompletableFuture<HttpAnswer> answer = switch (req.endpoint()) {
            case PUBLISH -> api.serve(ApiEndpoint.PUBLISH, req);
            case SUBSCRIPTIONS -> api.serve(ApiEndpoint.SUBSCRIPTIONS, req);
            case TOKEN -> api.serve(ApiEndpoint.TOKEN, req);
            case STATS -> api.serve(ApiEndpoint.STATS, req);
            case HEALTH -> CompletableFuture.completedFuture(HttpAnswer.json(200, Map.of("status", "ok")));
            case READY -> CompletableFuture.completedFuture(ready());
            default ->
                throw new IllegalStateException("endpoint: " + req.endpoint() + " (expected: one of the JSON API)");
        };
        respondWhenDone(ctx, answer);
    }

    /**
     * Answers at once when the hub did (a single node), else when the cluster has: another node, or
     * Redis. The connection reads nothing more meanwhile, so pipelined requests are answered in order.
     */
    private static void respondWhenDone(ChannelHandlerContext ctx, CompletableFuture<HttpAnswer> answer) {
        if (answer.isDone()) {
            respond(ctx, Responses.of(answer.join()));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        answer.whenComplete((done, failure) -> ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(true);
            respond(ctx, Responses.of(done));
        }));
    }

    /**
     * {@code /readyz}: 200 while the hub takes new streams; else 503 saying why ({@code draining},
     * {@code closed}, {@code backplane_unreachable}), so a load balancer sends new streams elsewhere.
     */
    private HttpAnswer ready() {
        Readiness readiness = hub.readiness();
        return HttpAnswer.json(
                readiness == Readiness.READY ? 200 : 503,
                Map.of("status", readiness.name().toLowerCase(Locale.ROOT)));
    }
}
