package io.ssemux.netty.internal;

import io.ssemux.netty.RouteHandler;
import java.util.Map;

/**
 * The application's routes with their body limits: exact paths first, then the longest
 * {@code /prefix/*}. ssemux's own paths belong to no route and always keep the server's limit, so
 * a broad route such as {@code /api/*} cannot raise it. Immutable.
 */
final class Routes {
    static final String STREAM = "/api/sse/stream";
    static final String PUBLISH = "/api/sse/publish";
    static final String SUBSCRIPTIONS = "/api/sse/subscriptions";
    static final String STATS = "/api/sse/stats";
    static final String TOKEN = "/api/sse/token";
    static final String HEALTH = "/healthz";
    static final String READY = "/readyz";

    /**
     * An application endpoint and the largest body it accepts: a plain route, whose body is read
     * whole, or an upload route, whose body streams to disk.
     *
     * @param handler the plain route's handler, or {@code null} for an upload route
     * @param upload  the upload route, or {@code null} for a plain route
     */
    record Route(RouteHandler handler, UploadRoute upload, int maxBodyBytes) {
        /** A plain route. */
        Route(RouteHandler handler, int maxBodyBytes) {
            this(handler, null, maxBodyBytes);
        }
    }

    private final Map<String, Route> routes;
    private final int serverMaxBodyBytes;

    Routes(Map<String, Route> routes, int serverMaxBodyBytes) {
        this.routes = Map.copyOf(routes);
        this.serverMaxBodyBytes = serverMaxBodyBytes;
    }

    /** The route that serves {@code path}, or {@code null}. */
    Route find(String path) {
        if (Endpoint.own(path) != null) {
            return null;
        }
        Route exact = routes.get(path);
        if (exact != null) {
            return exact;
        }
        Route best = null;
        int bestLength = -1;
        for (Map.Entry<String, Route> route : routes.entrySet()) {
            String pattern = route.getKey();
            if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                if (path.startsWith(prefix) && prefix.length() > bestLength) {
                    best = route.getValue();
                    bestLength = prefix.length();
                }
            }
        }
        return best;
    }

    /** The largest body a request for {@code path} may have. */
    int maxBodyBytes(String path) {
        Route route = find(path);
        return route == null ? serverMaxBodyBytes : route.maxBodyBytes();
    }

    /**
     * The largest body the aggregator may have to hold: that of any plain route or of ssemux's own
     * endpoints. Upload routes stream their bodies past it.
     */
    int largestMaxBodyBytes() {
        int largest = serverMaxBodyBytes;
        for (Route route : routes.values()) {
            if (route.upload() == null) {
                largest = Math.max(largest, route.maxBodyBytes());
            }
        }
        return largest;
    }
}
