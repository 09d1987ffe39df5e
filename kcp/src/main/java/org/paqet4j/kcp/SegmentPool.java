package org.paqet4j.kcp;

import java.util.Arrays;

/**
 * Free segments of one session, a bounded stack. Its bound is what the windows can hold at once
 * ({@code snd_wnd + rcv_wnd}): a session moving data at full window then reuses every segment it
 * ever allocated instead of dropping them, so steady-state traffic allocates nothing and leaves no
 * garbage to be promoted. The stack grows on demand and {@link #trim} drops it all, so a thousand
 * idle sessions hold no segments.
 */
final class SegmentPool {
    private static final int INITIAL_SLOTS = 16;

    private final int capacity;
    private final int maxPooled;
    private Segment[] free = new Segment[INITIAL_SLOTS];
    private int size;
    private long allocated;

    /**
     * @param capacity  data bytes of a pooled segment (the MSS)
     * @param maxPooled most free segments kept; more are left to the garbage collector
     */
    SegmentPool(int capacity, int maxPooled) {
        if (capacity <= 0 || maxPooled <= 0) {
            throw new IllegalArgumentException("segment pool needs a positive capacity and bound, got " + capacity
                    + " bytes and " + maxPooled + " segments");
        }
        this.capacity = capacity;
        this.maxPooled = maxPooled;
    }

    Segment take(int needed) {
        Segment segment;
        if (size > 0) {
            segment = free[--size];
            free[size] = null;
            segment.pooled = false;
        } else {
            segment = new Segment(capacity);
            allocated++;
        }
        if (segment.data.length < needed) {
            // A peer with a larger MSS may send longer segments than ours; rare, so allocate.
            segment.data = new byte[needed];
        }
        return segment;
    }

    /** Takes a segment back. Returning one twice is a bug in the caller: it would be handed out twice. */
    void give(Segment segment) {
        if (segment.pooled) {
            throw new IllegalStateException(
                    "segment sn=" + Integer.toUnsignedString(segment.sn) + " returned to the pool twice");
        }
        if (size == maxPooled || segment.data.length != capacity) {
            return;
        }
        if (size == free.length) {
            free = Arrays.copyOf(free, Math.min(maxPooled, size * 2));
        }
        segment.reset();
        segment.pooled = true;
        free[size++] = segment;
    }

    int pooled() {
        return size;
    }

    /** Segments this pool has created since it was made; flat once a busy session is warm. */
    long allocated() {
        return allocated;
    }

    int maxPooled() {
        return maxPooled;
    }

    void trim() {
        free = new Segment[INITIAL_SLOTS];
        size = 0;
    }
}
