package io.ssemux.netty.internal;

/** Names of the handlers in a connection's pipeline. */
final class Handlers {
    static final String HTTP = "http";
    static final String KEEP_ALIVE = "keepAlive";
    static final String CORS = "cors";
    static final String BODY_LIMIT = "bodyLimit";
    static final String BODY = "body";
    static final String API = "api";
    static final String STREAM = "stream";

    private Handlers() {}
}
