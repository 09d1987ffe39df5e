package org.paqet4j.reassembly;

/**
 * TCP sequence numbers are 32-bit and wrap; stream offsets here are 64-bit and do not. Every
 * comparison of two sequence numbers is the signed 32-bit difference (RFC 1982 serial arithmetic),
 * which is also what tshark's {@code LT_SEQ}/{@code GT_SEQ} do, so results agree at the wrap.
 */
public final class Seq {

    private Seq() {}

    /** {@code a - b} as a signed distance: positive when {@code a} is after {@code b}. */
    public static int diff(int a, int b) {
        return a - b;
    }

    /** True when {@code a} comes before {@code b} in serial order. */
    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    /**
     * The 64-bit stream offset of {@code seq}, given that offset 0 is sequence number
     * {@code origin} and that the answer lies within 2^31 of {@code reference} (a known offset,
     * usually the next expected one). Offsets, unlike sequence numbers, never wrap.
     */
    public static long unwrap(int origin, long reference, int seq) {
        int referenceSeq = origin + (int) reference;
        return reference + (seq - referenceSeq);
    }

    /** The sequence number at stream offset {@code offset}. */
    public static int at(int origin, long offset) {
        return origin + (int) offset;
    }
}
