package io.ssemux.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.JsonText;
import io.ssemux.micrometer.SsemuxMetrics;
import io.ssemux.netty.RouteHandler;
import io.ssemux.netty.RouteRequest;
import io.ssemux.netty.RouteResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: ssemux's meters with the JVM's and Netty's, in Prometheus's text format. Read
 * like the stats: by a principal with the admin grant (a token, or an API key that has it), by anyone
 * in development mode.
 */
final class Metrics implements RouteHandler {
    static final String PATH = "/metrics";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SsemuxMetrics ssemux = new SsemuxMetrics(registry);
    private final boolean open;

    /** @param open whether anyone may read it (development), rather than admins only */
    Metrics(boolean open) {
        this.open = open;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry); // the allocator every channel uses
        }
    }

    /** The listener to build the hub with: the latency histogram and close reasons. */
    SsemuxMetrics listener() {
        return ssemux;
    }

    void bind(Hub hub) {
        ssemux.bind(hub);
    }

    @Override
    public RouteResponse handle(RouteRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            String message = request.method() + " " + PATH + ": not allowed (expected: GET, HEAD)";
            return RouteResponse.json(
                            405,
                            "{\"status\":405,\"error\":\"method_not_allowed\",\"message\":" + JsonText.quote(message)
                                    + "}")
                    .withHeader("Allow", "GET, HEAD");
        }
        if (!open) {
            Principal principal = request.principal();
            if (!principal.grants().admin()) {
                throw SsemuxException.forbidden("metrics: not granted to user " + Names.quote(principal.user())
                        + " (expected: the admin grant)");
            }
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        return RouteResponse.of(200, "text/plain; version=0.0.4; charset=utf-8", body);
    }
}
