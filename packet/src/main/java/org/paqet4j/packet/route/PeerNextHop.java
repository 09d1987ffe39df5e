package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The next hop toward one peer as the kernel's tables describe it: the gateway of its route or,
 * directly connected, the peer itself, and that hop's MAC when the neighbour table has a usable
 * entry for it. No resolution is triggered: a server answers peers whose frames it has just
 * seen, so a missing entry is filled from those frames instead of waiting for ARP or NDP.
 */
public record PeerNextHop(InetAddress address, boolean gateway, Optional<MacAddress> mac) {

    /**
     * Looks up {@code peer}'s next hop out of {@code interfaceIndex}; empty when the kernel has no
     * usable route to it through that interface.
     */
    public static Optional<PeerNextHop> lookup(InetAddress peer, int interfaceIndex) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Route route;
            try {
                route = Routes.routeTo(socket, peer, interfaceIndex);
            } catch (NetlinkException | NetworkPathException e) {
                return Optional.empty();
            }
            if (route.interfaceIndex() != interfaceIndex) {
                return Optional.empty();
            }
            InetAddress hop = route.nextHop(peer);
            Optional<MacAddress> mac = Neighbours.find(socket, hop, interfaceIndex)
                    .filter(NeighbourEntry::usable)
                    .flatMap(NeighbourEntry::mac);
            return Optional.of(new PeerNextHop(hop, route.gateway() != null, mac));
        }
    }
}
