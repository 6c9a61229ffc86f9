package io.ssemux.netty.internal;

import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.netty.RouteHandler;
import java.util.Map;

/** What every connection's handlers share: an immutable value. */
public record ServerConfig(Hub hub, Authenticator authenticator, int maxBodyBytes, int outboundLimitBytes,
                           Map<String, RouteHandler> routes, StreamExecutors streamExecutors) {}
