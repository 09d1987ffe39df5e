package org.paqet4j.kcp;

/**
 * Free segments of one session, a bounded stack: a busy session reuses segments instead of
 * allocating, an idle one can drop them all ({@link #trim}) so a thousand idle sessions hold none.
 */
final class SegmentPool {
    private final int capacity;
    private final Segment[] free;
    private int size;

    SegmentPool(int capacity, int maxPooled) {
        this.capacity = capacity;
        this.free = new Segment[maxPooled];
    }

    Segment take(int needed) {
        Segment segment;
        if (size > 0) {
            segment = free[--size];
            free[size] = null;
        } else {
            segment = new Segment(capacity);
        }
        if (segment.data.length < needed) {
            // A peer with a larger MSS may send longer segments than ours; rare, so allocate.
            segment.data = new byte[needed];
        }
        return segment;
    }

    void give(Segment segment) {
        if (size < free.length && segment.data.length == capacity) {
            segment.reset();
            free[size++] = segment;
        }
    }

    int pooled() {
        return size;
    }

    void trim() {
        for (int i = 0; i < size; i++) {
            free[i] = null;
        }
        size = 0;
    }
}
