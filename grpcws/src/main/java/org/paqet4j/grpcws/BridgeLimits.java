package org.paqet4j.grpcws;

import java.time.Duration;

/**
 * What one bridge port lets a client do. Every limit is on by default: a WebSocket port faces the
 * internet (browsers, proxies), so an unbounded knob is a way to exhaust its memory or fds.
 *
 * @param readLimitBytes       largest WebSocket message (all its continuation frames together); a
 *                             bigger one closes the connection with 1009
 * @param maxConnections       WebSocket connections open at once; more are refused with HTTP 429
 * @param maxConnectionsPerIp  connections open at once from one client address (HTTP 429)
 * @param upgradesPerIpPerMinute upgrade requests one client address may make per minute (HTTP 429)
 * @param pingInterval         a ping goes out after this long without any inbound frame
 * @param idleTimeout          the connection is closed (1001) after this long without any inbound frame
 * @param handshakeTimeout     time a client has to complete its HTTP request before it is dropped
 * @param maxRequestBytes      largest HTTP request head (request line plus headers)
 * @param shutdownGrace        time in-flight calls get after GOAWAY before the close frames go out
 */
public record BridgeLimits(
        int readLimitBytes,
        int maxConnections,
        int maxConnectionsPerIp,
        int upgradesPerIpPerMinute,
        Duration pingInterval,
        Duration idleTimeout,
        Duration handshakeTimeout,
        int maxRequestBytes,
        Duration shutdownGrace) {

    public static final int DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

    public BridgeLimits {
        positive("readLimitBytes", readLimitBytes);
        positive("maxConnections", maxConnections);
        positive("maxConnectionsPerIp", maxConnectionsPerIp);
        positive("upgradesPerIpPerMinute", upgradesPerIpPerMinute);
        positive("maxRequestBytes", maxRequestBytes);
        positive("pingInterval", pingInterval);
        positive("idleTimeout", idleTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace " + shutdownGrace + " is negative");
        }
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout " + idleTimeout + " must be longer than pingInterval "
                    + pingInterval + " or a live peer has no time to answer");
        }
    }

    public static BridgeLimits defaults() {
        return new BridgeLimits(
                DEFAULT_READ_LIMIT,
                4096,
                64,
                300,
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofSeconds(10),
                16 * 1024,
                Duration.ofSeconds(5));
    }

    public BridgeLimits withReadLimitBytes(int v) {
        return new BridgeLimits(
                v,
                maxConnections,
                maxConnectionsPerIp,
                upgradesPerIpPerMinute,
                pingInterval,
                idleTimeout,
                handshakeTimeout,
                maxRequestBytes,
                shutdownGrace);
    }

    public BridgeLimits withConnectionCaps(int total, int perIp) {
        return new BridgeLimits(
                readLimitBytes,
                total,
                perIp,
                upgradesPerIpPerMinute,
                pingInterval,
                idleTimeout,
                handshakeTimeout,
                maxRequestBytes,
                shutdownGrace);
    }

    public BridgeLimits withUpgradesPerIpPerMinute(int v) {
        return new BridgeLimits(
                readLimitBytes,
                maxConnections,
                maxConnectionsPerIp,
                v,
                pingInterval,
                idleTimeout,
                handshakeTimeout,
                maxRequestBytes,
                shutdownGrace);
    }

    public BridgeLimits withKeepalive(Duration ping, Duration idle) {
        return new BridgeLimits(
                readLimitBytes,
                maxConnections,
                maxConnectionsPerIp,
                upgradesPerIpPerMinute,
                ping,
                idle,
                handshakeTimeout,
                maxRequestBytes,
                shutdownGrace);
    }

    public BridgeLimits withShutdownGrace(Duration v) {
        return new BridgeLimits(
                readLimitBytes,
                maxConnections,
                maxConnectionsPerIp,
                upgradesPerIpPerMinute,
                pingInterval,
                idleTimeout,
                handshakeTimeout,
                maxRequestBytes,
                v);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " " + v + " is not positive");
        }
    }

    private static void positive(String name, Duration v) {
        if (v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException(name + " " + v + " is not positive");
        }
    }
}
