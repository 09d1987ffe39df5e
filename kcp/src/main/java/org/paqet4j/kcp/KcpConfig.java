package org.paqet4j.kcp;

/**
 * Tuning of one KCP session. {@code mtu} is the size of a whole wire datagram (cipher and FEC
 * headers included, like kcp-go's {@code SetMtu}); the KCP segments get what the codec leaves.
 *
 * <p>Throughput of one session is bounded by {@code min(sndwnd, rcvwnd) × mss / rtt}: with the
 * defaults (4096 segments of ~1.3 KB) that is ~54 MB/s ≈ 430 Mbit/s at 100 ms RTT, while paqet's
 * client defaults (128/512) cap it at ~1.7 MB/s at the same RTT. The cost is memory only when it is
 * used: a stalled reader pins at most {@code 2 × rcvwnd} segments (receive queue + reorder buffer).
 *
 * @param nodelay              1 lowers the minimum RTO to 30 ms and backs off by RTO/2 instead of RTO
 * @param intervalMs           timer period for retransmission and ACK batching, 10..5000
 * @param resend               duplicate-ACK count that triggers fast retransmit, 0 disables it
 * @param noCongestion         true disables the congestion window (kcp-go {@code nc})
 * @param mtu                  wire datagram size in bytes, 64..1500
 * @param sndwnd               send window in segments, 1..65535
 * @param rcvwnd               receive window in segments, 1..65535 (it travels in a u16)
 * @param writeDelay           true: writes wait for the timer unless the window is full
 * @param ackNoDelay           true: ACKs leave as soon as a datagram is processed
 * @param streamMode           true: byte stream (segments are merged, frg is always 0), as kcptun
 *                             and paqet use for smux
 * @param deadLinkRetransmits  a segment sent this many times marks the link dead (IKCP_DEADLINK = 20)
 */
public record KcpConfig(int nodelay, int intervalMs, int resend, boolean noCongestion, int mtu,
        int sndwnd, int rcvwnd, boolean writeDelay, boolean ackNoDelay, boolean streamMode,
        int deadLinkRetransmits) {

    public static final int DEFAULT_MTU = 1350;
    public static final int DEFAULT_WINDOW = 4096;
    public static final int DEFAULT_DEAD_LINK = 20;

    public KcpConfig {
        check("nodelay", nodelay, 0, 1);
        check("intervalMs", intervalMs, 10, 5000);
        check("resend", resend, 0, 255);
        check("mtu", mtu, 64, 1500);
        check("sndwnd", sndwnd, 1, 65535);
        check("rcvwnd", rcvwnd, 1, 65535);
        check("deadLinkRetransmits", deadLinkRetransmits, 1, 1000);
    }

    /** The preset values of {@code mode} with paqet4j's window, MTU and dead-link defaults. */
    public static KcpConfig of(KcpMode mode) {
        return new KcpConfig(mode.nodelay, mode.intervalMs, mode.resend, mode.noCongestion,
                DEFAULT_MTU, DEFAULT_WINDOW, DEFAULT_WINDOW, mode.writeDelay, mode.ackNoDelay, true,
                DEFAULT_DEAD_LINK);
    }

    /**
     * paqet4j's default: the {@code fast} preset, but writes flush at once so latency is not tied
     * to the 30 ms timer.
     */
    public static KcpConfig defaults() {
        return of(KcpMode.FAST).withWriteDelay(false);
    }

    public KcpConfig withWindows(int sndwnd, int rcvwnd) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withMtu(int mtu) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withWriteDelay(boolean writeDelay) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withAckNoDelay(boolean ackNoDelay) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withStreamMode(boolean streamMode) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withDeadLinkRetransmits(int deadLinkRetransmits) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    public KcpConfig withNoDelay(int nodelay, int intervalMs, int resend, boolean noCongestion) {
        return new KcpConfig(nodelay, intervalMs, resend, noCongestion, mtu, sndwnd, rcvwnd,
                writeDelay, ackNoDelay, streamMode, deadLinkRetransmits);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "KCP " + name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
