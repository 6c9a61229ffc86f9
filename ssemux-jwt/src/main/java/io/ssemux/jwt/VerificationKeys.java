package io.ssemux.jwt;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import java.time.Instant;
import java.util.List;

/**
 * Where the keys that verify a token's signature come from. Thread-safe; never blocks.
 */
interface VerificationKeys {

    /**
     * The verifiers that may check a token with {@code header}: only keys of the family of its
     * algorithm (an RSA key never verifies an HMAC token), and the one of its {@code kid} when it
     * names one.
     *
     * @param issuedAt the token's {@code iat}, not verified yet, or {@code null}: a hint only
     * @throws io.ssemux.core.SsemuxException {@code UNAUTHORIZED} when no key fits, {@code UNAVAILABLE}
     *     while the keys are being fetched
     */
    List<JWSVerifier> verifiersFor(JWSHeader header, Instant issuedAt);
}
