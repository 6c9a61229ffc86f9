package io.ssemux.netty;

/**
 * An application endpoint served beside ssemux's own (a page, a static file, an upload API).
 *
 * <p>Runs on a Netty I/O thread: it must not block for long. Hand slow work to an executor of
 * your own and answer {@code 202}. Throwing {@link io.ssemux.core.SsemuxException} answers its
 * status with a JSON error; any other exception answers 500.
 */
@FunctionalInterface
public interface RouteHandler {
    RouteResponse handle(RouteRequest request) throws Exception;
}
