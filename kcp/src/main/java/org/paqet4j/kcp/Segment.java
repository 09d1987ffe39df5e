package org.paqet4j.kcp;

/**
 * One KCP segment held by the state machine. Mutable and recycled through {@link SegmentPool} so
 * the data path allocates nothing per segment; only the owning {@link Kcp} touches it.
 */
final class Segment {
    int frg;
    int ts;
    int sn;
    int rto;
    int xmit;
    int resendts;
    int fastack;
    boolean acked;
    /** In the pool's free stack: not owned by any queue, must not be returned again. */
    boolean pooled;

    byte[] data;
    int len;

    Segment(int capacity) {
        this.data = new byte[capacity];
    }

    void reset() {
        frg = 0;
        ts = 0;
        sn = 0;
        rto = 0;
        xmit = 0;
        resendts = 0;
        fastack = 0;
        acked = false;
        len = 0;
    }
}
