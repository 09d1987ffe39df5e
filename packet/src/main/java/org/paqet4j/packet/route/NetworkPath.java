package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.paqet4j.packet.AddressText;

/**
 * Everything the raw carrier needs to put a frame on the wire toward one peer: the interface (its
 * index, MAC and MTU), the source address the kernel would use, and the MAC of the next hop.
 */
public record NetworkPath(
        String interfaceName,
        int interfaceIndex,
        MacAddress interfaceMac,
        InetAddress source,
        MacAddress nextHopMac,
        int mtu) {

    /**
     * Resolves the path to {@code peer}: the interface from the kernel's route to it (forced to
     * {@code interfaceOverride} when set, {@code network.interface}), the next-hop MAC from the
     * neighbour table (the gateway's, or the peer's own when directly connected), triggering
     * resolution when the entry is missing and waiting up to {@code timeout};
     * {@code macOverride} ({@code router_mac}) replaces the lookup entirely. On loopback the
     * next hop is the interface itself.
     *
     * @throws NetworkPathException naming what could not be found and the setting that supplies it
     */
    public static NetworkPath resolve(
            InetAddress peer, Optional<String> interfaceOverride, Optional<MacAddress> macOverride, Duration timeout)
            throws IOException {
        String section = AddressFamily.configSection(peer);
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            int forcedIndex = 0;
            if (interfaceOverride.isPresent()) {
                String name = interfaceOverride.get();
                try {
                    forcedIndex = RtNetlink.link(socket, name).index();
                } catch (NetlinkException e) {
                    throw new NetworkPathException(
                            "interface '" + name + "' (network.interface) "
                                    + (e.errno() == RtNetlink.ENODEV
                                            ? "does not exist"
                                            : "cannot be read: " + e.getMessage()),
                            e);
                }
            }
            Route route;
            try {
                route = Routes.routeTo(socket, peer, forcedIndex);
            } catch (NetlinkException e) {
                throw new NetworkPathException(
                        "no route to peer " + AddressText.of(peer)
                                + interfaceOverride
                                        .map(n -> " via interface " + n + " (network.interface)")
                                        .orElse("")
                                + ": " + e.getMessage(),
                        e);
            }
            Link link = RtNetlink.link(socket, route.interfaceIndex());
            MacAddress interfaceMac = link.mac()
                    .orElseThrow(() -> new NetworkPathException("interface " + link.name()
                            + " (route to " + AddressText.of(peer)
                            + ") has no Ethernet address; the raw carrier needs an "
                            + "Ethernet interface, set network.interface"));
            MacAddress nextHopMac;
            if (macOverride.isPresent()) {
                nextHopMac = macOverride.get();
            } else if (link.loopback()) {
                nextHopMac = interfaceMac; // loopback has no neighbours; frames come straight back
            } else {
                InetAddress nextHop = route.nextHop(peer);
                String role = route.gateway() != null ? "gateway " : "directly connected peer ";
                nextHopMac = Neighbours.resolve(
                        socket, nextHop, link.index(), timeout, role, "; set " + section + ".router_mac");
            }
            return new NetworkPath(link.name(), link.index(), interfaceMac, route.source(), nextHopMac, link.mtu());
        }
    }
}
