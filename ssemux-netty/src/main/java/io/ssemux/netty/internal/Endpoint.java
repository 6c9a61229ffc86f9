package io.ssemux.netty.internal;

import io.netty.handler.codec.http.HttpMethod;

/**
 * What a request asks for once {@link RequestRouter} has read its path: one of ssemux's own
 * endpoints, each with the method it allows ({@code HEAD} too for the health check, as load balancers
 * use it), or an application route.
 */
enum Endpoint {
    STREAM(HttpMethod.GET),
    PUBLISH(HttpMethod.POST),
    SUBSCRIPTIONS(HttpMethod.POST),
    STATS(HttpMethod.GET),
    TOKEN(HttpMethod.POST),
    HEALTH(HttpMethod.GET, true),
    READY(HttpMethod.GET, true),
    /** An application {@link io.ssemux.netty.RouteHandler}: any method, its own answer. */
    APPLICATION(null);

    @SuppressWarnings("ImmutableEnumChecker") // Netty's HttpMethod constants are never changed
    private final HttpMethod method;

    private final boolean head;

    Endpoint(HttpMethod method) {
        this(method, false);
    }

    Endpoint(HttpMethod method, boolean head) {
        this.method = method;
        this.head = head;
    }

    /** Whether this endpoint answers {@code method}; an application route answers any. */
    boolean allows(HttpMethod requested) {
        return method == null || method.equals(requested) || (head && requested.equals(HttpMethod.HEAD));
    }

    /** The methods this endpoint allows, as an {@code Allow} header says them. */
    String allowed() {
        return head ? method.name() + ", HEAD" : method.name();
    }

    /** ssemux's own endpoint at {@code path}, or {@code null} when ssemux does not answer it. */
    static Endpoint own(String path) {
        return switch (path) {
            case Routes.STREAM -> STREAM;
            case Routes.PUBLISH -> PUBLISH;
            case Routes.SUBSCRIPTIONS -> SUBSCRIPTIONS;
            case Routes.STATS -> STATS;
            case Routes.TOKEN -> TOKEN;
            case Routes.HEALTH -> HEALTH;
            case Routes.READY -> READY;
            default -> null;
        };
    }
}
