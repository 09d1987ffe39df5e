package org.paqet4j.mux;

import java.util.Arrays;

/**
 * Buffers for the PSH payloads one session has received and its streams have not read yet, recycled so a
 * steady transfer allocates nothing per frame. Buffers come in power-of-two sizes from {@value #MIN_SIZE}
 * bytes up to the largest frame; a stream gives a buffer back once it has read all of it. At most
 * {@code maxPooledBytes} (the session's {@code smuxbuf}, what it may buffer anyway) are kept; the rest are left
 * to the garbage collector. Thread-safe: the receive loop takes, readers give.
 */
final class PayloadPool {
    static final int MIN_SIZE = 64;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_SIZE);

    private final long maxPooledBytes;
    private final byte[][][] free;
    private final int[] counts;
    private long pooledBytes;
    private long allocatedBytes;

    PayloadPool(int maxPayload, long maxPooledBytes) {
        if (maxPayload <= 0 || maxPooledBytes < 0) {
            throw new IllegalArgumentException("payload pool needs a positive payload size and a bound, got "
                    + maxPayload + " and " + maxPooledBytes);
        }
        this.maxPooledBytes = maxPooledBytes;
        int classes = sizeClass(maxPayload) + 1;
        this.free = new byte[classes][][];
        this.counts = new int[classes];
        for (int c = 0; c < classes; c++) {
            free[c] = new byte[4][];
        }
    }

    /** A buffer of at least {@code length} bytes (at least one byte, so an array is always real). */
    synchronized byte[] take(int length) {
        int c = sizeClass(length);
        if (c < counts.length && counts[c] > 0) {
            byte[] b = free[c][--counts[c]];
            free[c][counts[c]] = null;
            pooledBytes -= b.length;
            return b;
        }
        int size = MIN_SIZE << c;
        allocatedBytes += size;
        return new byte[size];
    }

    /** Takes back a buffer from {@link #take}; once given, the caller must not touch it again. */
    synchronized void give(byte[] buffer) {
        int c = sizeClass(buffer.length);
        if (c >= counts.length || buffer.length != MIN_SIZE << c || pooledBytes + buffer.length > maxPooledBytes) {
            return;
        }
        if (counts[c] == free[c].length) {
            free[c] = Arrays.copyOf(free[c], counts[c] * 2);
        }
        free[c][counts[c]++] = buffer;
        pooledBytes += buffer.length;
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Bytes of buffers this pool has created; flat once a busy session is warm. */
    synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    /** Drops every free buffer (an idle session keeps none). */
    synchronized void trim() {
        for (int c = 0; c < counts.length; c++) {
            free[c] = new byte[4][];
            counts[c] = 0;
        }
        pooledBytes = 0;
    }

    private static int sizeClass(int length) {
        if (length <= MIN_SIZE) {
            return 0;
        }
        return 32 - Integer.numberOfLeadingZeros(length - 1) - MIN_SHIFT;
    }
}
