package io.ssemux.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a public key from PEM text ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC) with the JDK alone. */
final class PemKeys {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private PemKeys() {}

    /**
     * The key in {@code pem}.
     *
     * @throws IllegalArgumentException if it holds no RSA or EC public key
     */
    static PublicKey publicKey(String pem) {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(
                    "public key: no '" + BEGIN + "' block (expected: a PEM public key, RSA or EC)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key: malformed base64 in the PEM block", e);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(
                "public key: neither an RSA nor an EC key (expected: a PEM public key, RSA or EC)");
    }
}
