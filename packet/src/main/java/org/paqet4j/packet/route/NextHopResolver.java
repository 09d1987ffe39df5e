package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-peer next-hop lookups for a raw carrier that sends from many threads. Its netlink socket
 * and the datagram sockets that trigger ARP/NDP are opened once, in the network namespace of the
 * thread that opens the resolver, so answers come from that namespace's tables whichever thread
 * asks later. Thread-safe; one lookup at a time.
 */
public final class NextHopResolver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NextHopResolver.class);

    private final NetlinkSocket socket;
    private final DatagramChannel ipv4Trigger;
    private final DatagramChannel ipv6Trigger;

    private NextHopResolver(NetlinkSocket socket, DatagramChannel ipv4Trigger, DatagramChannel ipv6Trigger) {
        this.socket = socket;
        this.ipv4Trigger = ipv4Trigger;
        this.ipv6Trigger = ipv6Trigger;
    }

    /** Opens the sockets in the calling thread's network namespace. */
    public static NextHopResolver open() throws IOException {
        NetlinkSocket socket = NetlinkSocket.open();
        DatagramChannel v4 = null;
        try {
            v4 = DatagramChannel.open(StandardProtocolFamily.INET);
            return new NextHopResolver(socket, v4, DatagramChannel.open(StandardProtocolFamily.INET6));
        } catch (IOException | RuntimeException e) {
            if (v4 != null) {
                v4.close();
            }
            socket.close();
            throw new IOException("opening the next-hop resolver's sockets: " + e.getMessage(), e);
        }
    }

    /**
     * The kernel's next hop toward {@code peer} out of {@code interfaceIndex} and, if the neighbour
     * table has a usable entry, its MAC; empty when there is no usable route through that interface.
     * Triggers no resolution.
     */
    public synchronized Optional<PeerNextHop> lookup(InetAddress peer, int interfaceIndex) throws IOException {
        // Forcing the interface would make the kernel call any destination on-link; only a
        // link-local peer, which means nothing without its interface, is looked up through it.
        boolean linkLocal = peer instanceof Inet6Address v6 && v6.isLinkLocalAddress();
        Route route;
        try {
            route = Routes.routeTo(socket, peer, linkLocal ? interfaceIndex : 0);
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

    /**
     * The MAC of {@code hop} on {@code interfaceIndex}, making the kernel resolve it (ARP/NDP) and
     * waiting up to {@code timeout}; {@code hint} ends the error message.
     */
    public synchronized MacAddress resolve(PeerNextHop hop, int interfaceIndex, Duration timeout, String hint)
            throws IOException {
        return Neighbours.resolve(
                socket,
                hop.address(),
                interfaceIndex,
                timeout,
                hop.gateway() ? "gateway " : "directly connected peer ",
                hint,
                this::trigger);
    }

    private void trigger(InetAddress address, int interfaceIndex) {
        Neighbours.trigger(address instanceof Inet6Address ? ipv6Trigger : ipv4Trigger, address, interfaceIndex);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : new AutoCloseable[] {ipv4Trigger, ipv6Trigger}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing a neighbour trigger socket: {}", e.toString());
            }
        }
        socket.close();
    }
}
