package org.paqet4j.kcp;

/**
 * The six KCP knobs a mode sets: {@code ikcp_nodelay(nodelay, interval, resend, nc)}, write delay and ACK-no-delay.
 * Ranges are checked where a whole configuration is built ({@link KcpConfig.Builder#build()}).
 *
 * @param nodelay      1 lowers the minimum RTO to 30 ms and backs off by RTO/2 instead of RTO
 * @param intervalMs   timer period for retransmission and ACK batching
 * @param resend       duplicate-ACK count that triggers fast retransmit, 0 disables it
 * @param noCongestion true disables the congestion window (kcp-go {@code nc})
 * @param writeDelay   true: writes wait for the timer unless the window is full
 * @param ackNoDelay   true: ACKs leave as soon as a datagram is processed
 */
public record KcpTuning(
        int nodelay, int intervalMs, int resend, boolean noCongestion, boolean writeDelay, boolean ackNoDelay) {}
