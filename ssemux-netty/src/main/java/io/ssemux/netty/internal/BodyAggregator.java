package io.ssemux.netty.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.ssemux.core.SsemuxException;

/** Aggregates a request's body up to the limit; a larger one gets a JSON 413 instead of an empty one. */
final class BodyAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    BodyAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse response = Responses.error(SsemuxException.payloadTooLarge(
                "body: larger than " + maxBodyBytes + " bytes (expected: at most " + maxBodyBytes + ")"));
        // The rest of the body would be read as the next request: close after answering.
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
