package org.paqet4j.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) over memory segments, eight bytes per step: each big-endian
 * long is added as two 32-bit halves into a 64-bit accumulator, so carries are folded only once
 * at the end (no overflow below 2^31 words, far beyond any packet).
 */
public final class Checksum {

    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /**
     * Adds the 16-bit big-endian words of {@code length} bytes at {@code offset} to {@code sum}
     * (an odd final byte is padded with zero) and returns the unfolded sum.
     */
    public static long add(long sum, MemorySegment segment, long offset, int length) {
        long end = offset + length;
        long i = offset;
        while (end - i >= 32) {
            long a = segment.get(LONG_BE, i);
            long b = segment.get(LONG_BE, i + 8);
            long c = segment.get(LONG_BE, i + 16);
            long d = segment.get(LONG_BE, i + 24);
            sum += (a >>> 32)
                    + (a & 0xFFFF_FFFFL)
                    + (b >>> 32)
                    + (b & 0xFFFF_FFFFL)
                    + (c >>> 32)
                    + (c & 0xFFFF_FFFFL)
                    + (d >>> 32)
                    + (d & 0xFFFF_FFFFL);
            i += 32;
        }
        while (end - i >= 8) {
            long a = segment.get(LONG_BE, i);
            sum += (a >>> 32) + (a & 0xFFFF_FFFFL);
            i += 8;
        }
        if (end - i >= 4) {
            sum += segment.get(INT_BE, i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += segment.get(SHORT_BE, i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            sum += (segment.get(ValueLayout.JAVA_BYTE, i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits and complements it: the value to store in a checksum field. */
    public static int finish(long sum) {
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    /** The checksum of {@code length} bytes at {@code offset}. */
    public static int of(MemorySegment segment, long offset, int length) {
        return finish(add(0, segment, offset, length));
    }
}
