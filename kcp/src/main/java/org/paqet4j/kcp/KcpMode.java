package org.paqet4j.kcp;

/**
 * KCP tuning presets as kcptun and paqet name them. Values (nodelay, interval ms, resend, nc) are
 * those of kcptun's client/server main.go and paqet's internal/tnet/kcp aplConf: normal 0,40,2,1;
 * fast 0,30,2,1; fast2 1,20,2,1; fast3 1,10,2,1. paqet additionally turns write delay off and
 * ACK-no-delay on for fast2 and fast3. {@link #MANUAL} takes every value from the configuration.
 */
public enum KcpMode {
    NORMAL(0, 40, 2, true, true, false),
    FAST(0, 30, 2, true, true, false),
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
