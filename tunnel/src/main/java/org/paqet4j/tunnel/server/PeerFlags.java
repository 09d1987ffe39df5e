package org.paqet4j.tunnel.server;

import java.net.InetSocketAddress;

/**
 * Where TCPF headers go: normally the server carrier's {@code setPeerFlags}, and its
 * {@code clearPeerFlags} for an empty TCPF (paqet forgets the client's flags) and when the
 * client's session ends.
 */
@FunctionalInterface
public interface PeerFlags {

    PeerFlags IGNORE = (peer, masks) -> { };

    /** {@code masks} is never empty. */
    void set(InetSocketAddress peer, short[] masks);

    default void clear(InetSocketAddress peer) {
    }
}
