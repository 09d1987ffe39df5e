package org.paqet4j.kcp;

/** A growable FIFO of segments with indexed access (KCP's queues and send buffer). */
final class SegmentRing {
    private Segment[] items;
    private int head;
    private int size;

    SegmentRing() {
        this.items = new Segment[8];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Segment get(int index) {
        return items[(head + index) & (items.length - 1)];
    }

    Segment first() {
        return size == 0 ? null : items[head];
    }

    Segment last() {
        return size == 0 ? null : items[(head + size - 1) & (items.length - 1)];
    }

    void add(Segment segment) {
        if (size == items.length) {
            grow();
        }
        items[(head + size) & (items.length - 1)] = segment;
        size++;
    }

    Segment poll() {
        if (size == 0) {
            return null;
        }
        Segment segment = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return segment;
    }

    /** Drops the backing array if it grew large and is now empty, so idle sessions stay small. */
    void compact() {
        if (size == 0 && items.length > 8) {
            items = new Segment[8];
            head = 0;
        }
    }

    private void grow() {
        Segment[] bigger = new Segment[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = items[(head + i) & (items.length - 1)];
        }
        items = bigger;
        head = 0;
    }
}
