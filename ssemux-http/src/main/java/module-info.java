/**
 * ssemux's HTTP API without a server: {@link io.ssemux.http.HttpApi} reads, checks and answers the
 * requests of {@code docs/PROTOCOL.md} as plain values, so every transport (ssemux-netty, the Spring
 * Boot starter on MVC or WebFlux) speaks exactly the same protocol and only moves bytes.
 */
module io.ssemux.http {
    requires transitive io.ssemux.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.ssemux.http;
}
