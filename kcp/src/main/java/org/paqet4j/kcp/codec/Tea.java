package org.paqet4j.kcp.codec;

/**
 * TEA with a configurable number of Feistel rounds, counted as Go's x/crypto/tea counts them (two
 * rounds per cycle). kcp-go uses {@code NewCipherWithRounds(key, 16)}, i.e. 8 cycles, which no
 * library offers (Bouncy Castle's TEAEngine is fixed at 32 cycles), hence hand-written. Big-endian
 * words, as in Go.
 */
final class Tea implements BlockFunction {

    private static final int DELTA = 0x9E3779B9;

    private final int k0;
    private final int k1;
    private final int k2;
    private final int k3;
    private final int cycles;

    Tea(byte[] key, int rounds) {
        if (key.length != 16) {
            throw new IllegalArgumentException("tea key must be 16 bytes, got " + key.length);
        }
        if (rounds <= 0 || (rounds & 1) != 0) {
            throw new IllegalArgumentException("tea rounds must be positive and even, got " + rounds);
        }
        k0 = readInt(key, 0);
        k1 = readInt(key, 4);
        k2 = readInt(key, 8);
        k3 = readInt(key, 12);
        cycles = rounds / 2;
    }

    @Override
    public int blockSize() {
        return 8;
    }

    @Override
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        int v0 = readInt(in, inOff);
        int v1 = readInt(in, inOff + 4);
        int sum = 0;
        for (int i = 0; i < cycles; i++) {
            sum += DELTA;
            v0 += ((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >>> 5) + k1);
            v1 += ((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >>> 5) + k3);
        }
        writeInt(out, outOff, v0);
        writeInt(out, outOff + 4, v1);
    }

    /** The inverse, only needed by tests to check the round structure against other implementations. */
    void decryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        int v0 = readInt(in, inOff);
        int v1 = readInt(in, inOff + 4);
        int sum = DELTA * cycles;
        for (int i = 0; i < cycles; i++) {
            v1 -= ((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >>> 5) + k3);
            v0 -= ((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >>> 5) + k1);
            sum -= DELTA;
        }
        writeInt(out, outOff, v0);
        writeInt(out, outOff + 4, v1);
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
