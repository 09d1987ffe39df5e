package org.paqet4j.tunnel.runtime;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.socks.Credentials;

/**
 * What a client runs above its transport: the connection set, SOCKS5 listeners and port forwards.
 *
 * @param udpIdleTimeout a UDP forward session without traffic for this long is closed
 * @param maxUdpTargets  targets one SOCKS5 UDP association, and client addresses one UDP forward, may have
 * @param kcptun         kcptun mode: TCP forwards open bare streams (the server has the target), no SOCKS5
 */
public record ClientPlan(ClientOptions options, List<Socks> socks, List<Forward> forwards,
                         Duration handshakeTimeout, Duration udpIdleTimeout, int maxUdpTargets, boolean kcptun) {

    public ClientPlan {
        socks = List.copyOf(socks);
        forwards = List.copyOf(forwards);
    }

    /** One SOCKS5 listener; without credentials no authentication is asked for. */
    public record Socks(InetSocketAddress bind, Optional<Credentials> credentials) {
    }

    /** One port forward: TCP connections or UDP datagrams to {@code bind} go to {@code target}. */
    public record Forward(InetSocketAddress bind, Target target, boolean udp) {
    }
}
