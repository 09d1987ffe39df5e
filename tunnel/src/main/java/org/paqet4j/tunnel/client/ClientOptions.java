package org.paqet4j.tunnel.client;

import java.time.Duration;

/**
 * How the client keeps its connections: how many ({@code transport.conn}), the TCP flags the
 * server should use towards us ({@code remote_flag}), reconnect backoff, health checks and how
 * long opening a stream may wait for a live connection.
 */
public record ClientOptions(
        int connections,
        short[] remoteFlags,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration healthInterval,
        Duration pingTimeout,
        Duration openTimeout) {

    public ClientOptions {
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("connections is " + connections + " (want 1..256)");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must be positive and max >= initial: initial " + initialBackoff + ", max " + maxBackoff);
        }
        for (Duration d : new Duration[] {healthInterval, pingTimeout, openTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("health interval, ping timeout and open timeout must be positive: "
                        + healthInterval + ", " + pingTimeout + ", " + openTimeout);
            }
        }
        remoteFlags = remoteFlags.clone();
    }

    @Override
    public short[] remoteFlags() {
        return remoteFlags.clone();
    }

    /**
     * 250 ms doubling to 2 s with 25 % jitter: quick recovery after a server restart, yet no
     * synchronized reconnect storm from every client at once. A PING every 2 s per connection; a PONG later than
     * 3 s fails the check only if nothing at all arrived from the server for those 3 s (its smux
     * keepalive NOP comes every 2 s): a dead server is noticed within 5 s, while a PING stuck
     * behind a full KCP send window on a slow uplink is no false alarm. The
     * cost is one short stream per connection every 2 s.
     */
    public static ClientOptions defaults(int connections, short[] remoteFlags) {
        return new ClientOptions(
                connections,
                remoteFlags,
                Duration.ofMillis(250),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(10));
    }
}
