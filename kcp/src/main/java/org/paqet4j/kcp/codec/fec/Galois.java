package org.paqet4j.kcp.codec.fec;

/**
 * GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11D) and generator 2, the field of Backblaze's
 * JavaReedSolomon and klauspost/reedsolomon. Immutable tables built once.
 */
final class Galois {

    private static final int POLYNOMIAL = 0x11D;
    private static final byte[] EXP = new byte[510];
    private static final int[] LOG = new int[256];
    /** MUL[a][b] = a·b; the encoding loops index one row with the data byte. */
    static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = (byte) x;
            EXP[i + 255] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if (x >= 256) {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                MUL[a][b] = EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private Galois() {}

    static int mul(int a, int b) {
        return MUL[a & 0xFF][b & 0xFF] & 0xFF;
    }

    static int div(int a, int b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero in GF(256)");
        }
        if (a == 0) {
            return 0;
        }
        return EXP[LOG[a] - LOG[b] + 255] & 0xFF;
    }

    /** a^n with 0^0 = 1, as klauspost's galExp. */
    static int exp(int a, int n) {
        if (n == 0) {
            return 1;
        }
        if (a == 0) {
            return 0;
        }
        return EXP[(LOG[a] * n) % 255] & 0xFF;
    }
}
