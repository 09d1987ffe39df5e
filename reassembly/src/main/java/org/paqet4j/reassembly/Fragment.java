package org.paqet4j.reassembly;

/** Buffered bytes of one segment (or a trimmed piece of one) waiting for the hole before them. */
record Fragment(long offset, byte[] data, long timestampNanos, long frameNumber) {

    /** What one buffered fragment costs beyond its bytes (object headers, array header, map or list entry), measured for 1-byte pieces in a TreeMap. */
    static final int OVERHEAD = 128;

    long end() {
        return offset + data.length;
    }

    long cost() {
        return data.length + OVERHEAD;
    }
}
