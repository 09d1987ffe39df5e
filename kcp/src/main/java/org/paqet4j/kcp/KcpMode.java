package org.paqet4j.kcp;

/**
 * KCP tuning presets as kcptun and paqet name them. Values (nodelay, interval ms, resend, nc) are
 * those of kcptun's client/server main.go and paqet's internal/tnet/kcp aplConf: normal 0,40,2,1;
 * fast 0,30,2,1; fast2 1,20,2,1; fast3 1,10,2,1; ACK-no-delay is on for fast2 and fast3, as in paqet.
 * Write delay is off in every preset (paqet keeps it on for normal and fast, kcptun turns it off):
 * with it, every small write — an smux window update, a PING — waits for the next timer tick, so
 * latency and a stream's throughput are tied to the interval. {@link #MANUAL} takes every value
 * from the configuration.
 */
public enum KcpMode {
    NORMAL(0, 40, 2, true, false, false),
    FAST(0, 30, 2, true, false, false),
    FAST2(1, 20, 2, true, false, true),
    FAST3(1, 10, 2, true, false, true),
    MANUAL(0, 30, 2, true, false, false);

    final int nodelay;
    final int intervalMs;
    final int resend;
    final boolean noCongestion;
    final boolean writeDelay;
    final boolean ackNoDelay;

    KcpMode(int nodelay, int intervalMs, int resend, boolean noCongestion, boolean writeDelay,
            boolean ackNoDelay) {
        this.nodelay = nodelay;
        this.intervalMs = intervalMs;
        this.resend = resend;
        this.noCongestion = noCongestion;
        this.writeDelay = writeDelay;
        this.ackNoDelay = ackNoDelay;
    }
}
