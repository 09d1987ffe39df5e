package org.paqet4j.tunnel.runtime;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.socks.Credentials;

/**
 * What a client runs above its transport: the connection set, SOCKS5 listeners and port forwards.
 *
 * @param udpIdleTimeout     a UDP forward session or SOCKS5 UDP association without traffic for this long is closed
 * @param maxUdpTargets      targets one SOCKS5 UDP association, and client addresses one UDP forward, may have
 * @param kcptun             kcptun mode: TCP forwards open bare streams (the server has the target), no SOCKS5
 * @param maxConnections     TCP connections each listener serves at once; 0 = 80 % of the fd limit split over
 *                           the TCP listeners ({@link ListenerLimits#connectionsPerListener})
 * @param maxUdpAssociations UDP associations each SOCKS5 listener keeps at once
 */
public record ClientPlan(
        ClientOptions options,
        List<Socks> socks,
        List<Forward> forwards,
        Duration handshakeTimeout,
        Duration udpIdleTimeout,
        int maxUdpTargets,
        boolean kcptun,
        int maxConnections,
        int maxUdpAssociations) {

    public ClientPlan {
        socks = List.copyOf(socks);
        forwards = List.copyOf(forwards);
        if (maxConnections < 0 || maxUdpAssociations < 1) {
            throw new IllegalArgumentException("maxConnections " + maxConnections + " must be >= 0 (0 = from the fd "
                    + "limit), maxUdpAssociations " + maxUdpAssociations + " must be positive");
        }
    }

    /** With the default caps: connections from the fd limit, {@value ListenerLimits#DEFAULT_MAX_UDP_ASSOCIATIONS} UDP associations. */
    public ClientPlan(
            ClientOptions options,
            List<Socks> socks,
            List<Forward> forwards,
            Duration handshakeTimeout,
            Duration udpIdleTimeout,
            int maxUdpTargets,
            boolean kcptun) {
        this(
                options,
                socks,
                forwards,
                handshakeTimeout,
                udpIdleTimeout,
                maxUdpTargets,
                kcptun,
                0,
                ListenerLimits.DEFAULT_MAX_UDP_ASSOCIATIONS);
    }

    /** The caps of each listener in this plan. */
    public ListenerLimits listenerLimits() {
        int tcpListeners =
                socks.size() + (int) forwards.stream().filter(f -> !f.udp()).count();
        int connections = maxConnections > 0
                ? maxConnections
                : ListenerLimits.connectionsPerListener(ListenerLimits.fdLimit(), tcpListeners);
        return new ListenerLimits(connections, maxUdpAssociations, udpIdleTimeout);
    }

    /** One SOCKS5 listener; without credentials no authentication is asked for. */
    public record Socks(InetSocketAddress bind, Optional<Credentials> credentials) {}

    /** One port forward: TCP connections or UDP datagrams to {@code bind} go to {@code target}. */
    public record Forward(InetSocketAddress bind, Target target, boolean udp) {}
}
