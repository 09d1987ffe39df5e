package org.paqet4j.kcp.codec;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The two ways a shared secret string becomes the 32 key bytes {@link Codecs#create} slices per
 * cipher. The string is taken as UTF-8, as Go's {@code []byte(key)}.
 */
public final class KeyDerivation {

    /** Bytes every derivation returns; ciphers with shorter keys use a prefix. */
    public static final int KEY_SIZE = 32;

    private KeyDerivation() {}

    /** paqet: PBKDF2-HMAC-SHA256(key, "paqet", 100000 iterations, 32 bytes). */
    public static byte[] paqet(String key) {
        return pbkdf2(new SHA256Digest(), key, "paqet", 100_000);
    }

    /** kcptun: PBKDF2-HMAC-SHA1(key, "kcp-go", 4096 iterations, 32 bytes). */
    public static byte[] kcptun(String key) {
        return pbkdf2(new SHA1Digest(), key, "kcp-go", 4096);
    }

    private static byte[] pbkdf2(Digest digest, String key, String salt, int iterations) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest);
        generator.init(key.getBytes(StandardCharsets.UTF_8), salt.getBytes(StandardCharsets.UTF_8), iterations);
        return ((KeyParameter) generator.generateDerivedParameters(KEY_SIZE * 8)).getKey();
    }
}
