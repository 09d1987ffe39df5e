package org.paqet4j.tunnel.access;

import java.net.InetAddress;

/** A network and a port range; a target matches when its address is in the network and its port in the range. */
public record AccessRule(Cidr network, PortRange ports) {

    public static final PortRange ALL_PORTS = new PortRange(0, 0xFFFF);

    /** A rule for every port of {@code network}. */
    public static AccessRule of(String network) {
        return new AccessRule(Cidr.parse(network), ALL_PORTS);
    }

    public boolean matches(InetAddress address, int port) {
        return network.contains(address) && ports.contains(port);
    }

    @Override
    public String toString() {
        return ports.equals(ALL_PORTS) ? network.toString() : network + " port " + ports;
    }
}
