package io.ssemux.server;

import io.ssemux.netty.RouteResponse;
import io.ssemux.netty.SsemuxServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The files the server ships: the browser client at {@code /ssemux.js}. */
final class StaticFiles {
    private StaticFiles() {}

    static void register(SsemuxServer.Builder builder) {
        serve(builder, "/ssemux.js", "static/ssemux.js", "text/javascript; charset=utf-8");
    }

    private static void serve(SsemuxServer.Builder builder, String path, String resource, String contentType) {
        byte[] body = read(resource);
        if (body != null) {
            RouteResponse response = RouteResponse.of(200, contentType, body).withHeader("Cache-Control", "no-cache");
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
