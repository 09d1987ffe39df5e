package org.paqet4j.kcp;

import java.util.Locale;

/**
 * KCP tuning presets as kcptun and paqet name them; the one table of their values in paqet4j. Values (nodelay,
 * interval ms, resend, nc) are those of kcptun's client/server and paqet's KCP setup: normal 0,40,2,1; fast
 * 0,30,2,1; fast2 1,20,2,1; fast3 1,10,2,1; ACK-no-delay is on for fast2 and fast3, as in paqet.
 *
 * <p>Write delay is off in every preset (paqet keeps it on for normal and fast, kcptun turns it off): with it,
 * every small write (an smux window update, a PING) waits for the next timer tick, so latency and a stream's
 * throughput are tied to the interval.
 *
 * <p>{@link #MANUAL} takes every knob from the configuration; its table values are what paqet ends up with for a
 * knob the configuration leaves out: Go's zero values, with the interval raised to KCP's minimum of 10 ms.
 */
public enum KcpMode {
    NORMAL(new KcpTuning(0, 40, 2, true, false, false)),
    FAST(new KcpTuning(0, 30, 2, true, false, false)),
    FAST2(new KcpTuning(1, 20, 2, true, false, true)),
    FAST3(new KcpTuning(1, 10, 2, true, false, true)),
    MANUAL(new KcpTuning(0, 10, 0, false, false, false));

    private final KcpTuning tuning;

    KcpMode(KcpTuning tuning) {
        this.tuning = tuning;
    }

    /** The knobs this mode sets (for {@link #MANUAL}: the value of each knob left out of the configuration). */
    public KcpTuning tuning() {
        return tuning;
    }

    /** The name in paqet's and kcptun's configuration: {@code normal}, {@code fast}, ..., {@code manual}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
