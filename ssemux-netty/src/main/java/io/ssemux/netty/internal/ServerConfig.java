package io.ssemux.netty.internal;

import io.ssemux.core.Hub;
import io.ssemux.core.spi.Authenticator;

/** What every connection's handlers share: an immutable value. */
public record ServerConfig(Hub hub, Authenticator authenticator, int outboundLimitBytes, Routes routes) {}
