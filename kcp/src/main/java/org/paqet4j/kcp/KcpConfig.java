package org.paqet4j.kcp;

import java.util.Objects;

/**
 * Tuning of one KCP session, built with {@link #builder()} (or from {@link #defaults()} / {@link #of(KcpMode)}),
 * which checks every range. {@code mtu} is the size of a whole wire datagram (cipher and FEC headers included, like
 * kcp-go's {@code SetMtu}); the KCP segments get what the codec leaves.
 *
 * <p>Throughput of one session is bounded by {@code min(sndwnd, rcvwnd) × mss / rtt}: with the
 * defaults (4096 segments of ~1.3 KB) that is ~54 MB/s ≈ 430 Mbit/s at 100 ms RTT, while paqet's
 * client defaults (128/512) cap it at ~1.7 MB/s at the same RTT. The cost is memory only when it is
 * used: a stalled reader pins at most {@code 2 × rcvwnd} segments (receive queue + reorder buffer).
 *
 * <p>Ranges: nodelay 0..1, intervalMs 10..5000, resend 0..255, mtu 64..1500 (a wire datagram), sndwnd and rcvwnd
 * 1..65535 (the window travels in a u16), deadLinkRetransmits 1..1000 (a segment sent this many times marks the
 * link dead; KCP's IKCP_DEADLINK is 20). streamMode true is a byte stream (segments are merged, frg is always 0),
 * as kcptun and paqet use for smux.
 */
public final class KcpConfig {
    public static final int DEFAULT_MTU = 1350;
    public static final int DEFAULT_WINDOW = 4096;
    public static final int DEFAULT_DEAD_LINK = 20;

    private final KcpTuning tuning;
    private final int mtu;
    private final int sndwnd;
    private final int rcvwnd;
    private final boolean streamMode;
    private final int deadLinkRetransmits;

    private KcpConfig(Builder b) {
        this.tuning = new KcpTuning(b.nodelay, b.intervalMs, b.resend, b.noCongestion, b.writeDelay, b.ackNoDelay);
        this.mtu = b.mtu;
        this.sndwnd = b.sndwnd;
        this.rcvwnd = b.rcvwnd;
        this.streamMode = b.streamMode;
        this.deadLinkRetransmits = b.deadLinkRetransmits;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The preset values of {@code mode} with paqet4j's window, MTU and dead-link defaults. */
    public static KcpConfig of(KcpMode mode) {
        return builder().tuning(mode.tuning()).build();
    }

    /** paqet4j's default: the {@code fast} preset (whose writes flush at once, see {@link KcpMode}). */
    public static KcpConfig defaults() {
        return of(KcpMode.FAST);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .tuning(tuning)
                .mtu(mtu)
                .windows(sndwnd, rcvwnd)
                .streamMode(streamMode)
                .deadLinkRetransmits(deadLinkRetransmits);
    }

    public KcpConfig withWindows(int sndwnd, int rcvwnd) {
        return toBuilder().windows(sndwnd, rcvwnd).build();
    }

    public KcpConfig withMtu(int mtu) {
        return toBuilder().mtu(mtu).build();
    }

    public KcpConfig withDeadLinkRetransmits(int deadLinkRetransmits) {
        return toBuilder().deadLinkRetransmits(deadLinkRetransmits).build();
    }

    public KcpTuning tuning() {
        return tuning;
    }

    public int nodelay() {
        return tuning.nodelay();
    }

    public int intervalMs() {
        return tuning.intervalMs();
    }

    public int resend() {
        return tuning.resend();
    }

    public boolean noCongestion() {
        return tuning.noCongestion();
    }

    public boolean writeDelay() {
        return tuning.writeDelay();
    }

    public boolean ackNoDelay() {
        return tuning.ackNoDelay();
    }

    public int mtu() {
        return mtu;
    }

    public int sndwnd() {
        return sndwnd;
    }

    public int rcvwnd() {
        return rcvwnd;
    }

    public boolean streamMode() {
        return streamMode;
    }

    public int deadLinkRetransmits() {
        return deadLinkRetransmits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KcpConfig c
                && tuning.equals(c.tuning)
                && mtu == c.mtu
                && sndwnd == c.sndwnd
                && rcvwnd == c.rcvwnd
                && streamMode == c.streamMode
                && deadLinkRetransmits == c.deadLinkRetransmits;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tuning, mtu, sndwnd, rcvwnd, streamMode, deadLinkRetransmits);
    }

    @Override
    public String toString() {
        return "KcpConfig[nodelay=" + nodelay() + ", intervalMs=" + intervalMs() + ", resend=" + resend()
                + ", noCongestion=" + noCongestion() + ", mtu=" + mtu + ", sndwnd=" + sndwnd + ", rcvwnd=" + rcvwnd
                + ", writeDelay=" + writeDelay() + ", ackNoDelay=" + ackNoDelay() + ", streamMode=" + streamMode
                + ", deadLinkRetransmits=" + deadLinkRetransmits + "]";
    }

    /** Collects the values of a {@link KcpConfig}; {@link #build()} checks their ranges. Starts at the defaults. */
    public static final class Builder {
        private int nodelay;
        private int intervalMs;
        private int resend;
        private boolean noCongestion;
        private boolean writeDelay;
        private boolean ackNoDelay;
        private int mtu = DEFAULT_MTU;
        private int sndwnd = DEFAULT_WINDOW;
        private int rcvwnd = DEFAULT_WINDOW;
        private boolean streamMode = true;
        private int deadLinkRetransmits = DEFAULT_DEAD_LINK;

        private Builder() {
            tuning(KcpMode.FAST.tuning());
        }

        /** Sets all six knobs a mode stands for. */
        public Builder tuning(KcpTuning t) {
            Objects.requireNonNull(t, "tuning");
            this.nodelay = t.nodelay();
            this.intervalMs = t.intervalMs();
            this.resend = t.resend();
            this.noCongestion = t.noCongestion();
            this.writeDelay = t.writeDelay();
            this.ackNoDelay = t.ackNoDelay();
            return this;
        }

        public Builder nodelay(int nodelay) {
            this.nodelay = nodelay;
            return this;
        }

        public Builder intervalMs(int intervalMs) {
            this.intervalMs = intervalMs;
            return this;
        }

        public Builder resend(int resend) {
            this.resend = resend;
            return this;
        }

        public Builder noCongestion(boolean noCongestion) {
            this.noCongestion = noCongestion;
            return this;
        }

        public Builder writeDelay(boolean writeDelay) {
            this.writeDelay = writeDelay;
            return this;
        }

        public Builder ackNoDelay(boolean ackNoDelay) {
            this.ackNoDelay = ackNoDelay;
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder windows(int sndwnd, int rcvwnd) {
            this.sndwnd = sndwnd;
            this.rcvwnd = rcvwnd;
            return this;
        }

        public Builder streamMode(boolean streamMode) {
            this.streamMode = streamMode;
            return this;
        }

        public Builder deadLinkRetransmits(int deadLinkRetransmits) {
            this.deadLinkRetransmits = deadLinkRetransmits;
            return this;
        }

        /** The configuration; {@link IllegalArgumentException} naming the field and value when one is out of range. */
        public KcpConfig build() {
            check("nodelay", nodelay, 0, 1);
            check("intervalMs", intervalMs, 10, 5000);
            check("resend", resend, 0, 255);
            check("mtu", mtu, 64, 1500);
            check("sndwnd", sndwnd, 1, 65535);
            check("rcvwnd", rcvwnd, 1, 65535);
            check("deadLinkRetransmits", deadLinkRetransmits, 1, 1000);
            return new KcpConfig(this);
        }

        private static void check(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        "KCP " + name + " must be in [" + min + ", " + max + "], got " + value);
            }
        }
    }
}
