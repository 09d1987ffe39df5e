package org.paqet4j.cli.config;

/**
 * The KCP knobs a mode sets: {@code ikcp_nodelay(nodelay, interval, resend, nc)}, write delay
 * (batch writes until the next flush) and ACK-no-delay (acknowledge at once).
 *
 * @param interval flush interval in milliseconds
 */
public record KcpTuning(
    int nodelay, int interval, int resend, int nocongestion, boolean wdelay, boolean acknodelay) {}
