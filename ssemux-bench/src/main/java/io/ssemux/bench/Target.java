package io.ssemux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The kind of server under test: where its stream and publish endpoints are and what they take. */
public enum Target {
    /** ssemux: {@code GET /api/sse/stream?channels=…&user=…}, {@code POST /api/sse/publish} with a JSON envelope. */
    SSEMUX {
        @Override
        String streamUri(String channel, int user, int ownChannels) {
            StringBuilder uri = new StringBuilder("/api/sse/stream?channels=").append(channel);
            for (int i = 0; i < ownChannels; i++) {
                uri.append(",u").append(user).append("-ch").append(i);
            }
            return uri.append("&user=u").append(user).toString();
        }

        @Override
        FullHttpRequest publish(String host, String channel, String payload) {
            String body = "{\"channel\":\"" + channel + "\",\"type\":\"tick\",\"data\":" + payload + "}";
            return post(host, "/api/sse/publish", body);
        }
    },
    /** Nchan (nginx): {@code GET /sub/<channel>} as EventSource, {@code POST /pub/<channel>} with the raw data. */
    NCHAN {
        @Override
        String streamUri(String channel, int user, int ownChannels) {
            return "/sub/" + channel;
        }

        @Override
        FullHttpRequest publish(String host, String channel, String payload) {
            return post(host, "/pub/" + channel, payload);
        }
    };

    /**
     * The path and query of a stream of user number {@code user}: {@code channel}, and
     * {@code ownChannels} more of that user's own where the server has channels per stream.
     */
    abstract String streamUri(String channel, int user, int ownChannels);

    /** The request that publishes {@code payload} (a JSON object) on {@code channel}. */
    abstract FullHttpRequest publish(String host, String channel, String payload);

    private static FullHttpRequest post(String host, String uri, String body) {
        ByteBuf content = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, content);
        request.headers()
                .set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return request;
    }
}
