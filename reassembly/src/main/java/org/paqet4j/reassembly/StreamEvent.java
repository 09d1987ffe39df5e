package org.paqet4j.reassembly;

import java.util.Arrays;

/** What a {@link StreamHandler} receives for one direction of one stream, in stream order. */
public sealed interface StreamEvent {

    /**
     * Bytes at {@code offset} of this direction (offset 0 is the first byte after the SYN, or the
     * first byte of the first segment seen when the capture started mid-stream).
     */
    record Data(long offset, byte[] bytes, long firstTimestampNanos, long lastTimestampNanos, long[] frameNumbers)
            implements StreamEvent {

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d
                    && d.offset == offset
                    && Arrays.equals(d.bytes, bytes)
                    && d.firstTimestampNanos == firstTimestampNanos
                    && d.lastTimestampNanos == lastTimestampNanos
                    && Arrays.equals(d.frameNumbers, frameNumbers);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(offset) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[offset=" + offset + ", length=" + bytes.length + ", frames=" + Arrays.toString(frameNumbers)
                    + "]";
        }
    }

    /** {@code length} bytes at {@code offset} that will never be delivered, and why. */
    record Gap(long offset, long length, GapCause cause) implements StreamEvent {}

    /**
     * Two buffered copies of the same bytes differed; the policy kept one. The hashes are
     * {@link java.util.Arrays#hashCode(byte[])} of the kept and the discarded bytes.
     */
    record Conflict(long offset, long length, int keptHash, int discardedHash) implements StreamEvent {}

    /** The last event of a direction. */
    record End(EndReason reason) implements StreamEvent {}
}
