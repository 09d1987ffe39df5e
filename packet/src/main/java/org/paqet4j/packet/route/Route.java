package org.paqet4j.packet.route;

import java.net.InetAddress;

/**
 * How the kernel reaches a destination: out of which interface, from which source address, and
 * through which gateway ({@code null} when the destination is directly connected).
 */
public record Route(String interfaceName, int interfaceIndex, InetAddress source, InetAddress gateway) {

    /** The address whose MAC goes into the Ethernet header: the gateway, or the destination itself. */
    public InetAddress nextHop(InetAddress destination) {
        return gateway != null ? gateway : destination;
    }
}
