package io.ssemux.netty.internal;

import java.time.Duration;

/**
 * What one HTTP connection may cost: the longest request line and header block, how long the server
 * waits for a request head, for each piece of a body and for the next request on a kept-alive
 * connection, and how many sockets may be open at once. An immutable value; public only for
 * {@code SsemuxServer}.
 *
 * @param maxRequestLineBytes longest request line (method, path and query); longer gets 414
 * @param maxHeaderBytes      largest header block; larger gets 431
 * @param headerTimeout       time for a new connection's first request head
 * @param bodyTimeout         longest pause while a request body is read
 * @param keepAliveTimeout    time for the next request head on a kept-alive connection
 * @param maxSockets          open sockets of every kind; past it a connection gets 503 and is closed
 */
public record HttpLimits(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration keepAliveTimeout,
        int maxSockets) {}
