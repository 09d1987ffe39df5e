package org.paqet4j.cli.config;

import java.time.Duration;

/**
 * {@code limits}: the bounds that keep one host's memory and threads finite under load or abuse.
 *
 * @param maxSessions tunnel sessions (client connections) a server accepts at once
 * @param maxStreamsPerSession streams one session may have open
 * @param maxStreamsTotal streams over all sessions
 * @param headerTimeout how long a new stream may take to send its paqet header
 * @param dialTimeout how long dialing a target (server) may take
 * @param handshakeTimeout how long a SOCKS5 handshake (client) or session setup may take
 * @param maxConnections TCP connections each client listener (SOCKS5, TCP forward) serves at once; 0 = 80 % of
 *     the fd limit split over the listeners
 * @param maxUdpAssociations SOCKS5 UDP associations each SOCKS5 listener keeps at once
 * @param udpIdleTimeout a SOCKS5 UDP association or UDP forward session without a datagram for this long is closed
 * @param memory bytes received and not yet passed on (KCP receive queues, smux stream buffers, relay buffers) over
 *     the whole process, after which windows close; 0 = a quarter of the maximum heap, see {@link #memoryBytes()}
 */
public record LimitsConfig(
        int maxSessions,
        int maxStreamsPerSession,
        int maxStreamsTotal,
        Duration headerTimeout,
        Duration dialTimeout,
        Duration handshakeTimeout,
        int maxConnections,
        int maxUdpAssociations,
        Duration udpIdleTimeout,
        long memory) {

    /** The memory budget in bytes: {@code memory}, or for 0 a quarter of {@code Runtime.maxMemory()}. */
    public long memoryBytes() {
        return memoryBytes(Runtime.getRuntime().maxMemory());
    }

    /**
     * The budget for a heap of at most {@code maxHeap} bytes. Buffered bytes live on the heap; a quarter leaves the
     * rest for what each connection and stream costs besides its data and for the collector's free regions, so a
     * full budget slows peers down instead of ending the process with an out-of-memory error. At least 4 MiB.
     */
    long memoryBytes(long maxHeap) {
        if (memory > 0) {
            return memory;
        }
        return Math.max(ConfigDefaults.MIN_MEMORY, maxHeap / 4);
    }
}
