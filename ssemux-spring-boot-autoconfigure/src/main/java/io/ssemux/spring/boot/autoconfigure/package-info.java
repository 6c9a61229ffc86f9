/**
 * The auto-configuration of ssemux in a Spring Boot app: {@link io.ssemux.spring.boot.autoconfigure.SsemuxAutoConfiguration}
 * (the hub, publisher, grants, drain), the endpoints on Spring MVC or WebFlux, health, meters and the
 * Redis backplane; the {@code ssemux.*} properties are {@link io.ssemux.spring.boot.autoconfigure.SsemuxProperties}.
 */
package io.ssemux.spring.boot.autoconfigure;
