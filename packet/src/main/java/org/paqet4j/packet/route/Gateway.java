package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.util.Optional;

/** A default gateway and, when the neighbour table knows it, its MAC address. */
public record Gateway(InetAddress address, String interfaceName, int interfaceIndex, Optional<MacAddress> mac) {}
