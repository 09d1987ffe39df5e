package org.paqet4j.kcp.codec;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Unpredictable nonces without a SecureRandom call per datagram (kcp-go measured the system
 * CSPRNG as too slow per packet and uses an AES-based generator too): an AES-128-CTR keystream
 * under a key and counter drawn from {@link SecureRandom}, produced 4 KiB at a time and re-keyed
 * every 2^20 nonces. One instance per codec; not thread-safe, like the codec.
 */
final class NonceGenerator {

    private static final int CHUNK = 4096;
    private static final long RESEED_AFTER = 1L << 20;

    private final SecureRandom seedSource;
    private final byte[] zeros = new byte[CHUNK];
    private final byte[] stream = new byte[CHUNK];
    private Cipher ctr;
    private int position = CHUNK;
    private long handedOut;

    NonceGenerator(SecureRandom seedSource) {
        this.seedSource = seedSource;
        reseed();
    }

    /** Writes {@code length} (at most 4096) unpredictable bytes to {@code buf[offset..]}. */
    void next(byte[] buf, int offset, int length) {
        if (++handedOut >= RESEED_AFTER) {
            reseed();
        }
        if (position + length > CHUNK) {
            refill();
        }
        System.arraycopy(stream, position, buf, offset, length);
        position += length;
    }

    private void refill() {
        try {
            ctr.update(zeros, 0, CHUNK, stream, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR nonce stream failed", e);
        }
        position = 0;
    }

    private void reseed() {
        byte[] key = new byte[16];
        byte[] counter = new byte[16];
        seedSource.nextBytes(key);
        seedSource.nextBytes(counter);
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
            ctr = cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is not available in this JDK", e);
        }
        handedOut = 0;
        position = CHUNK;
    }
}
