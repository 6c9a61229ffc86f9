package io.ssemux.netty.internal;

import io.netty.handler.codec.http.cors.CorsConfig;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;

/**
 * What every connection's handlers share: an immutable value; {@code cors} is null when no other
 * origin is allowed.
 */
public record ServerConfig(Hub hub, Authenticator authenticator, int outboundLimitBytes, Routes routes, CorsConfig cors,
                           StreamExecutors streamExecutors) {}
