package org.paqet4j.kcp.codec;

/**
 * kcp-go's {@code salsa20}: the first 8 bytes of the datagram (the start of the random nonce) stay
 * clear and are the Salsa20/20 nonce, everything after them is XORed with the keystream (block
 * counter from 0), as Go's {@code salsa20.XORKeyStream}. Hand-written because keying Bouncy
 * Castle's engine with a new nonce allocates parameter objects for every datagram.
 */
final class Salsa20 implements StreamTransform {

    private static final int NONCE = 8;

    private final int[] key = new int[8];
    private final int[] input = new int[16];
    private final int[] x = new int[16];
    private final byte[] block = new byte[64];

    Salsa20(byte[] key32) {
        if (key32.length != 32) {
            throw new IllegalArgumentException("salsa20 key must be 32 bytes, got " + key32.length);
        }
        for (int i = 0; i < 8; i++) {
            key[i] = le(key32, i * 4);
        }
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
        if (length < NONCE) {
            return;
        }
        int[] in = input;
        // "expand 32-byte k"
        in[0] = 0x61707865;
        in[1] = key[0];
        in[2] = key[1];
        in[3] = key[2];
        in[4] = key[3];
        in[5] = 0x3320646e;
        in[6] = le(buf, offset);
        in[7] = le(buf, offset + 4);
        in[8] = 0;
        in[9] = 0;
        in[10] = 0x79622d32;
        in[11] = key[4];
        in[12] = key[5];
        in[13] = key[6];
        in[14] = key[7];
        in[15] = 0x6b206574;
        int p = offset + NONCE;
        int end = offset + length;
        while (p < end) {
            core();
            int n = Math.min(64, end - p);
            for (int i = 0; i < n; i++) {
                buf[p + i] ^= block[i];
            }
            p += n;
            if (++in[8] == 0) {
                in[9]++;
            }
        }
    }

    private void core() {
        int[] s = x;
        System.arraycopy(input, 0, s, 0, 16);
        for (int i = 0; i < 10; i++) {
            s[4] ^= Integer.rotateLeft(s[0] + s[12], 7);
            s[8] ^= Integer.rotateLeft(s[4] + s[0], 9);
            s[12] ^= Integer.rotateLeft(s[8] + s[4], 13);
            s[0] ^= Integer.rotateLeft(s[12] + s[8], 18);
            s[9] ^= Integer.rotateLeft(s[5] + s[1], 7);
            s[13] ^= Integer.rotateLeft(s[9] + s[5], 9);
            s[1] ^= Integer.rotateLeft(s[13] + s[9], 13);
            s[5] ^= Integer.rotateLeft(s[1] + s[13], 18);
            s[14] ^= Integer.rotateLeft(s[10] + s[6], 7);
            s[2] ^= Integer.rotateLeft(s[14] + s[10], 9);
            s[6] ^= Integer.rotateLeft(s[2] + s[14], 13);
            s[10] ^= Integer.rotateLeft(s[6] + s[2], 18);
            s[3] ^= Integer.rotateLeft(s[15] + s[11], 7);
            s[7] ^= Integer.rotateLeft(s[3] + s[15], 9);
            s[11] ^= Integer.rotateLeft(s[7] + s[3], 13);
            s[15] ^= Integer.rotateLeft(s[11] + s[7], 18);

            s[1] ^= Integer.rotateLeft(s[0] + s[3], 7);
            s[2] ^= Integer.rotateLeft(s[1] + s[0], 9);
            s[3] ^= Integer.rotateLeft(s[2] + s[1], 13);
            s[0] ^= Integer.rotateLeft(s[3] + s[2], 18);
            s[6] ^= Integer.rotateLeft(s[5] + s[4], 7);
            s[7] ^= Integer.rotateLeft(s[6] + s[5], 9);
            s[4] ^= Integer.rotateLeft(s[7] + s[6], 13);
            s[5] ^= Integer.rotateLeft(s[4] + s[7], 18);
            s[11] ^= Integer.rotateLeft(s[10] + s[9], 7);
            s[8] ^= Integer.rotateLeft(s[11] + s[10], 9);
            s[9] ^= Integer.rotateLeft(s[8] + s[11], 13);
            s[10] ^= Integer.rotateLeft(s[9] + s[8], 18);
            s[12] ^= Integer.rotateLeft(s[15] + s[14], 7);
            s[13] ^= Integer.rotateLeft(s[12] + s[15], 9);
            s[14] ^= Integer.rotateLeft(s[13] + s[12], 13);
            s[15] ^= Integer.rotateLeft(s[14] + s[13], 18);
        }
        for (int i = 0; i < 16; i++) {
            int v = s[i] + input[i];
            block[i * 4] = (byte) v;
            block[i * 4 + 1] = (byte) (v >>> 8);
            block[i * 4 + 2] = (byte) (v >>> 16);
            block[i * 4 + 3] = (byte) (v >>> 24);
        }
    }

    private static int le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
