package io.ssemux.server;

import io.ssemux.core.sse.JsonText;
import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.SsemuxServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The files the server ships, read once from the class path: the browser client at
 * {@code /ssemux.js} and, with the demo, its page at {@code /}. {@code GET} and {@code HEAD} only
 * (the codec leaves the body out of a {@code HEAD} answer); any other method is 405.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private StaticFiles() {}

    static void register(SsemuxServer.Builder builder) {
        serve(builder, "/ssemux.js", "static/ssemux.js");
    }

    /** The photo-jobs demo's page: plain HTML, CSS and an ES module that imports {@code /ssemux.js}. */
    static void registerDemoPage(SsemuxServer.Builder builder) {
        serve(builder, "/", "static/demo/index.html");
        serve(builder, "/demo/app.js", "static/demo/app.js");
        serve(builder, "/demo/style.css", "static/demo/style.css");
    }

    private static void serve(SsemuxServer.Builder builder, String path, String resource) {
        byte[] body = read(resource);
        if (body != null) {
            String type = TYPES.get(resource.substring(resource.lastIndexOf('.') + 1));
            RouteResponse response = RouteResponse.of(200, type, body).withHeader("Cache-Control", "no-cache");
            builder.route(path, request -> switch (request.method()) {
                case "GET", "HEAD" -> response;
                default -> notAllowed(request.method() + " " + path);
            });
        }
    }

    private static RouteResponse notAllowed(String what) {
        return RouteResponse.json(
                        405,
                        "{\"status\":405,\"error\":\"method_not_allowed\",\"message\":"
                                + JsonText.quote(what + ": not allowed (expected: GET or HEAD)") + "}")
                .withHeader("Allow", "GET, HEAD");
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
