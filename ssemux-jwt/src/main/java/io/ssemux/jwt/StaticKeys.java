package io.ssemux.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import io.ssemux.core.SsemuxException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One key given by the operator: an HMAC secret, or an RSA or EC public key. Immutable. */
final class StaticKeys implements VerificationKeys {
    private final Set<JWSAlgorithm> algorithms;
    private final JWSVerifier verifier;

    private StaticKeys(Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {
        this.algorithms = algorithms;
        this.verifier = verifier;
    }

    /** HS256/384/512 with {@code secret}, which must have at least 256 bits. */
    static StaticKeys hmac(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("HMAC secret: " + secret.length + " bytes (expected: at least 32)");
        }
        try {
            return new StaticKeys(JWSAlgorithm.Family.HMAC_SHA, new MACVerifier(secret.clone()));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HMAC secret: " + e.getMessage(), e);
        }
    }

    /** RS*, PS* with an RSA key; ES* with an EC key. */
    static StaticKeys publicKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new StaticKeys(JWSAlgorithm.Family.RSA, new RSASSAVerifier(rsa));
        }
        if (key instanceof ECPublicKey ec) {
            try {
                return new StaticKeys(JWSAlgorithm.Family.EC, new ECDSAVerifier(ec));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("EC public key: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("public key: " + key.getAlgorithm() + " (expected: RSA or EC)");
    }

    @Override
    public List<JWSVerifier> verifiersFor(JWSHeader header, Instant issuedAt) {
        if (!algorithms.contains(header.getAlgorithm())) {
            throw SsemuxException.unauthorized(
                    "token: signed with " + header.getAlgorithm() + " (expected: one of " + algorithms + ")");
        }
        return List.of(verifier);
    }
}
