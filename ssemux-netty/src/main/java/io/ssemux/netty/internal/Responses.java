package io.ssemux.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.ssemux.core.SsemuxException;
import io.ssemux.http.HttpAnswer;

/** Netty's form of the API's {@link HttpAnswer}s: JSON bodies and errors. */
final class Responses {
    private Responses() {}

    static FullHttpResponse of(HttpAnswer answer) {
        FullHttpResponse response = bytes(HttpResponseStatus.valueOf(answer.status()), null, answer.body());
        answer.headers().forEach(response.headers()::set);
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        return of(HttpAnswer.json(status.code(), body));
    }

    static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    static FullHttpResponse error(SsemuxException e) {
        return of(HttpAnswer.error(e));
    }

    static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        return of(HttpAnswer.error(status.code(), code, message));
    }
}
