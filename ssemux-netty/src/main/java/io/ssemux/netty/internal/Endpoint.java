package io.ssemux.netty.internal;

import io.netty.handler.codec.http.HttpMethod;

/**
 * What a request asks for once {@link RequestRouter} has read its path: one of ssemux's own
 * endpoints, each with the one method it allows, or an application route.
 */
enum Endpoint {
    STREAM(HttpMethod.GET),
    PUBLISH(HttpMethod.POST),
    SUBSCRIPTIONS(HttpMethod.POST),
    STATS(HttpMethod.GET),
    TOKEN(HttpMethod.POST),
    HEALTH(HttpMethod.GET),
    /** An application {@link io.ssemux.netty.RouteHandler}: any method, its own answer. */
    APPLICATION(null);

    @SuppressWarnings("ImmutableEnumChecker") // Netty's HttpMethod constants are never changed
    private final HttpMethod method;

    Endpoint(HttpMethod method) {
        this.method = method;
    }

    /** The one method this endpoint allows, or {@code null} for an application route (any). */
    HttpMethod method() {
        return method;
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
            default -> null;
        };
    }
}
