package org.paqet4j.tunnel.relay;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Bounds on what one local listener (SOCKS5 port, TCP or UDP forward) may hold open, so that
 * whoever can reach the port cannot take the process to its file-descriptor limit.
 *
 * @param maxConnections     TCP connections one listener serves at once; more are closed at once and counted
 * @param maxUdpAssociations SOCKS5 UDP associations one listener keeps at once (each holds a control
 *                           connection and a relay socket); more are refused with a general failure
 * @param udpIdleTimeout     a UDP association or forward session without a datagram either way for
 *                           this long is closed
 */
public record ListenerLimits(int maxConnections, int maxUdpAssociations, Duration udpIdleTimeout) {

    public static final int DEFAULT_MAX_UDP_ASSOCIATIONS = 1024;
    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Share of the file-descriptor limit the listeners may use together; the rest is for sessions, logs, DNS. */
    static final double FD_SHARE = 0.8;
    /** The fd limit assumed where the JVM cannot tell (not a Unix). */
    static final long FALLBACK_FD_LIMIT = 1024;

    public ListenerLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
        if (maxUdpAssociations < 1) {
            throw new IllegalArgumentException("maxUdpAssociations must be positive, got " + maxUdpAssociations);
        }
        if (udpIdleTimeout.isNegative() || udpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("udpIdleTimeout must be positive, got " + udpIdleTimeout);
        }
    }

    /** The defaults for one of {@code listeners} listeners sharing this process's fd limit. */
    public static ListenerLimits defaults(int listeners) {
        return new ListenerLimits(
                connectionsPerListener(fdLimit(), listeners), DEFAULT_MAX_UDP_ASSOCIATIONS, DEFAULT_UDP_IDLE_TIMEOUT);
    }

    /** 80 % of {@code fdLimit} split evenly over {@code listeners}, at least 16 each. */
    public static int connectionsPerListener(long fdLimit, int listeners) {
        long share = (long) (fdLimit * FD_SHARE) / Math.max(1, listeners);
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, share));
    }

    /** This process's RLIMIT_NOFILE (soft limit), or 1024 where the JVM does not report one. */
    public static long fdLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) {
                return max;
            }
        }
        return FALLBACK_FD_LIMIT;
    }
}
