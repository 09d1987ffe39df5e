package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The next hop toward one peer as the kernel's tables describe it: the gateway of its route or,
 * directly connected, the peer itself ({@code gateway} false), and that hop's MAC when the
 * neighbour table has a usable entry for it.
 */
public record PeerNextHop(InetAddress address, boolean gateway, Optional<MacAddress> mac) {}
