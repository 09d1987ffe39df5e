package org.paqet4j.tunnel.server;

import java.net.InetSocketAddress;

/** Where TCPF headers go: normally {@code PacketCarrier::setPeerFlags} of the server's carrier. */
@FunctionalInterface
public interface PeerFlags {

    PeerFlags IGNORE = (peer, masks) -> { };

    void set(InetSocketAddress peer, short[] masks);
}
