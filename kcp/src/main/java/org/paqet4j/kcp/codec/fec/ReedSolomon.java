package org.paqet4j.kcp.codec.fec;

/**
 * Systematic Reed-Solomon erasure code over GF(2^8) with klauspost/reedsolomon's default coding
 * matrix: the Vandermonde matrix {@code vm[r][c] = r^c} (totalShards × dataShards) multiplied by
 * the inverse of its top square, so the top is the identity and the bottom rows produce parity.
 * Identical matrix means identical parity bytes, which is what interoperability with kcp-go needs.
 * Hand-written: the arithmetic is a few dozen lines and the hot loop must not allocate.
 */
public final class ReedSolomon {

    private final int dataShards;
    private final int parityShards;
    /** totalShards × dataShards. */
    private final int[][] matrix;

    public ReedSolomon(int dataShards, int parityShards) {
        if (dataShards <= 0 || parityShards <= 0 || dataShards + parityShards > 256) {
            throw new IllegalArgumentException("Reed-Solomon needs 1..255 data and parity shards with at most 256 in"
                    + " total, got " + dataShards + "/" + parityShards);
        }
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        int total = dataShards + parityShards;
        int[][] vandermonde = new int[total][dataShards];
        for (int r = 0; r < total; r++) {
            for (int c = 0; c < dataShards; c++) {
                vandermonde[r][c] = Galois.exp(r, c);
            }
        }
        int[][] top = new int[dataShards][];
        for (int r = 0; r < dataShards; r++) {
            top[r] = vandermonde[r].clone();
        }
        this.matrix = multiply(vandermonde, invert(top));
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }

    /** The coding matrix entry at {@code row, column} (tests compare it with known values). */
    int coefficient(int row, int column) {
        return matrix[row][column];
    }

    /**
     * Computes the parity shards {@code parity[p][parityOffset, parityOffset + length)} from the data
     * shards {@code data[d][dataOffset, dataOffset + length)}.
     */
    public void encodeParity(byte[][] data, int dataOffset, byte[][] parity, int parityOffset, int length) {
        for (int p = 0; p < parityShards; p++) {
            int[] row = matrix[dataShards + p];
            byte[] out = parity[p];
            for (int d = 0; d < dataShards; d++) {
                multiplyInto(row[d], data[d], dataOffset, out, parityOffset, length, d == 0);
            }
        }
    }

    /**
     * Rebuilds the missing data shards ({@code present[i] == false}, {@code i < dataShards}) from any
     * {@code dataShards} present shards, all over {@code [offset, offset + length)}. Returns false when
     * fewer than {@code dataShards} shards are present. Allocates a small matrix per call: recovery
     * happens at most once per group.
     */
    public boolean reconstructData(byte[][] shards, boolean[] present, int offset, int length) {
        int[] rows = new int[dataShards];
        int found = 0;
        for (int i = 0; i < dataShards + parityShards && found < dataShards; i++) {
            if (present[i]) {
                rows[found++] = i;
            }
        }
        if (found < dataShards) {
            return false;
        }
        int[][] sub = new int[dataShards][];
        for (int r = 0; r < dataShards; r++) {
            sub[r] = matrix[rows[r]].clone();
        }
        int[][] decode = invert(sub);
        for (int d = 0; d < dataShards; d++) {
            if (present[d]) {
                continue;
            }
            byte[] out = shards[d];
            for (int j = 0; j < dataShards; j++) {
                multiplyInto(decode[d][j], shards[rows[j]], offset, out, offset, length, j == 0);
            }
        }
        return true;
    }

    private static void multiplyInto(
            int factor, byte[] in, int inOffset, byte[] out, int outOffset, int length, boolean first) {
        byte[] table = Galois.MUL[factor];
        int delta = outOffset - inOffset;
        int end = inOffset + length;
        if (first) {
            for (int i = inOffset; i < end; i++) {
                out[i + delta] = table[in[i] & 0xFF];
            }
        } else {
            for (int i = inOffset; i < end; i++) {
                out[i + delta] ^= table[in[i] & 0xFF];
            }
        }
    }

    private static int[][] multiply(int[][] a, int[][] b) {
        int rows = a.length;
        int inner = b.length;
        int cols = b[0].length;
        int[][] result = new int[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = 0;
                for (int k = 0; k < inner; k++) {
                    v ^= Galois.mul(a[r][k], b[k][c]);
                }
                result[r][c] = v;
            }
        }
        return result;
    }

    /** Gauss-Jordan inversion of a square matrix over GF(2^8); the argument is consumed. */
    static int[][] invert(int[][] m) {
        int n = m.length;
        int[][] inv = new int[n][n];
        for (int i = 0; i < n; i++) {
            inv[i][i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && m[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new ArithmeticException("singular matrix in Reed-Solomon decoding");
            }
            swap(m, col, pivot);
            swap(inv, col, pivot);
            int scale = m[col][col];
            if (scale != 1) {
                for (int c = 0; c < n; c++) {
                    m[col][c] = Galois.div(m[col][c], scale);
                    inv[col][c] = Galois.div(inv[col][c], scale);
                }
            }
            for (int r = 0; r < n; r++) {
                int f = m[r][col];
                if (r == col || f == 0) {
                    continue;
                }
                for (int c = 0; c < n; c++) {
                    m[r][c] ^= Galois.mul(f, m[col][c]);
                    inv[r][c] ^= Galois.mul(f, inv[col][c]);
                }
            }
        }
        return inv;
    }

    private static void swap(int[][] m, int a, int b) {
        int[] t = m[a];
        m[a] = m[b];
        m[b] = t;
    }
}
