package io.ssemux.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.UnaryOperator;

/** Real keys and real signed tokens, made in the test. */
final class Tokens {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private Tokens() {}

    static byte[] secret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Claims for {@code sub}, valid for an hour from {@link #NOW}, changed by {@code more}. */
    static JWTClaimsSet claims(String sub, UnaryOperator<JWTClaimsSet.Builder> more) {
        return more.apply(new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(NOW.plusSeconds(3600))))
                .build();
    }

    static String hmac(byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.HS256, null, new MACSigner(secret), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rsa(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.RS256, key.getKeyID(), new RSASSASigner(key), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String ec(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.ES256, key.getKeyID(), new ECDSASigner(key), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, JWTClaimsSet claims) {
        SignedJWT jwt =
                new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
