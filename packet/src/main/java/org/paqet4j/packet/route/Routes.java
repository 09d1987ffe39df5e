package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.Comparator;
import java.util.Optional;
import org.paqet4j.packet.AddressText;

/** Route queries answered by the kernel over rtnetlink; each call opens and closes its own socket. */
public final class Routes {

    private Routes() {}

    /**
     * The route the kernel would use to reach {@code destination} (what {@code ip route get}
     * prints), with policy routing, metrics and everything else already applied by the kernel.
     *
     * @throws NetworkPathException when there is no usable route (unreachable, blackhole, ...)
     */
    public static Route routeTo(InetAddress destination) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            return routeTo(socket, destination, 0);
        }
    }

    /**
     * The default route of {@code family} in the main table (lowest metric first) and the MAC of
     * its gateway if the neighbour table has a usable entry. Empty when there is no default route
     * through a gateway.
     */
    public static Optional<Gateway> defaultGateway(StandardProtocolFamily family) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Optional<RouteEntry> best = RtNetlink.routeDump(socket, AddressFamily.of(family)).stream()
                    .filter(r -> r.table() == RouteEntry.RT_TABLE_MAIN && r.type() == RouteEntry.RTN_UNICAST)
                    .filter(r -> r.destinationLength() == 0 && r.gateway().isPresent() && r.outputInterface() > 0)
                    .min(Comparator.comparingLong(RouteEntry::priority));
            if (best.isEmpty()) {
                return Optional.empty();
            }
            RouteEntry route = best.get();
            InetAddress address = route.gateway().orElseThrow();
            Link link = RtNetlink.link(socket, route.outputInterface());
            Optional<MacAddress> mac = Neighbours.find(socket, address, link.index())
                    .filter(NeighbourEntry::usable)
                    .flatMap(NeighbourEntry::mac);
            return Optional.of(new Gateway(address, link.name(), link.index(), mac));
        }
    }

    /** {@link #routeTo(InetAddress)} on an open socket, optionally forced out of interface {@code oif}. */
    static Route routeTo(NetlinkSocket socket, InetAddress destination, int oif) throws IOException {
        RouteEntry entry = RtNetlink.routeGet(socket, destination, oif);
        if (entry.type() != RouteEntry.RTN_UNICAST && entry.type() != RouteEntry.RTN_LOCAL) {
            throw new NetworkPathException("the route to " + AddressText.of(destination) + " is of type "
                    + RouteEntry.typeName(entry.type()) + ", packets cannot be sent there");
        }
        if (entry.outputInterface() <= 0) {
            throw new NetworkPathException(
                    "the kernel's route to " + AddressText.of(destination) + " names no output interface");
        }
        String name = RtNetlink.link(socket, entry.outputInterface()).name();
        InetAddress source = entry.preferredSource()
                .orElseThrow(() -> new NetworkPathException("the route to " + AddressText.of(destination) + " via "
                        + name + " has no source address (does " + name + " have an address of that family?)"));
        return new Route(name, entry.outputInterface(), source, entry.gateway().orElse(null));
    }
}
