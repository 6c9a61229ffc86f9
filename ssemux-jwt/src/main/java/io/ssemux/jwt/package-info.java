/**
 * JSON Web Token authentication for ssemux: {@link io.ssemux.jwt.JwtAuthenticator}, an
 * {@link io.ssemux.core.spi.Authenticator} on nimbus-jose-jwt.
 */
package io.ssemux.jwt;
