package org.paqet4j.kcp.codec;

import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * kcp-go's {@code xor}: the datagram XORed with a fixed 1500-byte table, PBKDF2-HMAC-SHA1(key,
 * "sH3CIVoF#rWLtJo6", 32 iterations, 1500 bytes). No secrecy to speak of; offered for kcptun
 * compatibility only. Bytes beyond the table (datagrams over 1500 bytes) stay as they are, as in
 * kcp-go.
 */
final class XorTable implements StreamTransform {

    static final int TABLE_SIZE = KcpGoFraming.MTU_LIMIT;
    private static final byte[] SALT = "sH3CIVoF#rWLtJo6".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] table;

    XorTable(byte[] key) {
        this.table = table(key);
    }

    static byte[] table(byte[] key) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA1Digest());
        generator.init(key, SALT, 32);
        return ((KeyParameter) generator.generateDerivedParameters(TABLE_SIZE * 8)).getKey();
    }

    @Override
    public void encrypt(byte[] buf, int offset, int length) {
        xor(buf, offset, length);
    }

    @Override
    public void decrypt(byte[] buf, int offset, int length) {
        xor(buf, offset, length);
    }

    private void xor(byte[] buf, int offset, int length) {
        byte[] t = table;
        int n = Math.min(length, t.length);
        for (int i = 0; i < n; i++) {
            buf[offset + i] ^= t[i];
        }
    }
}
