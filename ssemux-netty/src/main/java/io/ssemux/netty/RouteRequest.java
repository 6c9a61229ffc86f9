package io.ssemux.netty;

/**
 * A complete HTTP request handed to an application {@link RouteHandler}: the body is fully read
 * (within the route's body limit). Valid only during {@link RouteHandler#handle}.
 */
public interface RouteRequest {
    /** {@code GET}, {@code POST}, … */
    String method();

    /** The decoded path, without the query. */
    String path();

    /** The first value of a query parameter, or {@code null}. */
    String queryParameter(String name);

    /** The first value of a header (case-insensitive name), or {@code null}. */
    String header(String name);

    /** The body's bytes (empty when none). */
    byte[] body();

    /** The client's IP address as text. */
    String remoteAddress();

    /**
     * The user, as the server's authenticator says.
     *
     * @throws io.ssemux.core.SsemuxException {@code UNAUTHORIZED} when it refuses the request
     */
    String user();

    /**
     * Who the request comes from, with the grants the authenticator gave it (for a route that only
     * admins may read, say).
     *
     * @throws io.ssemux.core.SsemuxException {@code UNAUTHORIZED} when it refuses the request
     */
    io.ssemux.core.spi.Principal principal();
}
