package io.ssemux.server;

import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.SsemuxServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The files the server ships, read once from the class path: the browser client at
 * {@code /ssemux.js} and, with the demo, its page at {@code /}.
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
            builder.route(path, request -> response);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
