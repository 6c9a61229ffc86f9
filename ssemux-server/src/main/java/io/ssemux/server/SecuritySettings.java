package io.ssemux.server;

import io.ssemux.core.spi.Authenticator;
import io.ssemux.jwt.JwtAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The security flags of the command line, and the authenticator they make: JWT (with one key source)
 * and API keys, or, when none is set, the trusting development authenticator. Immutable.
 *
 * @param jwtSecretFile  a file holding the HMAC secret (its bytes, one trailing line break dropped)
 * @param jwtPublicKey   a PEM file with an RSA or EC public key
 * @param jwksUrl        the URL of a JSON Web Key Set
 * @param jwksFile       a file holding a JSON Web Key Set
 * @param jwtIssuer      the required {@code iss}, or null
 * @param jwtAudience    a required {@code aud}, or null
 * @param jwtCookie      a cookie that may carry the token, or null
 * @param jwtClockSkew   the tolerance on {@code exp} and {@code nbf}
 * @param apiKeyFile     a file of API keys for publishers, or null
 */
record SecuritySettings(
        Path jwtSecretFile,
        Path jwtPublicKey,
        URI jwksUrl,
        Path jwksFile,
        String jwtIssuer,
        String jwtAudience,
        String jwtCookie,
        Duration jwtClockSkew,
        Path apiKeyFile) {

    /** Whether any flag asks for real authentication. */
    boolean authenticates() {
        return jwtSecretFile != null
                || jwtPublicKey != null
                || jwksUrl != null
                || jwksFile != null
                || apiKeyFile != null;
    }

    /**
     * The authenticator these settings make.
     *
     * @throws IllegalArgumentException for a contradiction or a file that cannot be used, saying which
     */
    Authenticator authenticator() {
        if (!authenticates()) {
            if (jwtIssuer != null || jwtAudience != null || jwtCookie != null) {
                throw new IllegalArgumentException("--jwt-issuer, --jwt-audience and --jwt-cookie need a key "
                        + "(expected: --jwt-secret-file, --jwt-public-key, --jwks-url or --jwks-file)");
            }
            return Authenticator.development();
        }
        Authenticator jwt = jwt();
        if (apiKeyFile == null) {
            return jwt;
        }
        try {
            return ApiKeys.read(apiKeyFile).before(jwt);
        } catch (IOException e) {
            throw new IllegalArgumentException("--api-key-file: cannot read " + apiKeyFile + ": " + e.getMessage(), e);
        }
    }

    private Authenticator jwt() {
        int sources = (jwtSecretFile != null ? 1 : 0)
                + (jwtPublicKey != null ? 1 : 0)
                + (jwksUrl != null ? 1 : 0)
                + (jwksFile != null ? 1 : 0);
        if (sources == 0) {
            if (jwtIssuer != null || jwtAudience != null || jwtCookie != null) {
                throw new IllegalArgumentException(
                        "--jwt-issuer, --jwt-audience and --jwt-cookie need a JWT key "
                                + "(expected: --jwt-secret-file, --jwt-public-key, --jwks-url or --jwks-file besides --api-key-file)");
            }
            return null; // API keys alone: only publishers are known
        }
        if (sources > 1) {
            throw new IllegalArgumentException(
                    "JWT keys: " + sources + " sources given (expected: one of --jwt-secret-file, "
                            + "--jwt-public-key, --jwks-url, --jwks-file)");
        }
        JwtAuthenticator.Builder jwt = JwtAuthenticator.builder();
        try {
            if (jwtSecretFile != null) {
                jwt.hmacSecret(secret(jwtSecretFile));
            } else if (jwtPublicKey != null) {
                jwt.publicKeyPem(read(jwtPublicKey));
            } else if (jwksUrl != null) {
                jwt.jwksUrl(jwksUrl);
            } else {
                jwt.jwksFile(jwksFile);
            }
            if (jwtIssuer != null) {
                jwt.issuer(jwtIssuer);
            }
            if (jwtAudience != null) {
                jwt.audience(jwtAudience);
            }
            if (jwtCookie != null) {
                jwt.cookie(jwtCookie);
            }
            return jwt.clockSkew(jwtClockSkew).build();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The bytes of {@code file}, any bytes, less one trailing line break (LF or CRLF) that an editor adds. */
    private static byte[] secret(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--jwt-secret-file: cannot read " + file + ": " + e.getMessage(), e);
        }
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        return Arrays.copyOf(bytes, end);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read " + file + ": " + e.getMessage(), new UncheckedIOException(e));
        }
    }
}
