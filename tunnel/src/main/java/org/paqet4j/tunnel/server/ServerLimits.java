package org.paqet4j.tunnel.server;

import java.time.Duration;

/**
 * What one server accepts: sessions, streams per session and in total, how long a new stream may
 * take to send its header and how long dialing a target may take.
 */
public record ServerLimits(
        int maxSessions, int maxStreamsPerSession, int maxStreamsTotal, Duration headerTimeout, Duration dialTimeout) {

    public ServerLimits {
        if (maxSessions < 1 || maxStreamsPerSession < 1 || maxStreamsTotal < 1) {
            throw new IllegalArgumentException("limits must be positive: sessions " + maxSessions
                    + ", streams per session " + maxStreamsPerSession + ", streams " + maxStreamsTotal);
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero() || dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "timeouts must be positive: header " + headerTimeout + ", dial " + dialTimeout);
        }
    }

    /** Generous enough for 500 users, bounded enough that one peer cannot take it all. */
    public static ServerLimits defaults() {
        return new ServerLimits(1024, 4096, 16384, Duration.ofSeconds(10), Duration.ofSeconds(8));
    }
}
