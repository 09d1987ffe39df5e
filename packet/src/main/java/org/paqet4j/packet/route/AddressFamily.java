package org.paqet4j.packet.route;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;

/** Linux address family numbers and the address sizes that go with them. */
final class AddressFamily {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private AddressFamily() {}

    static int of(InetAddress address) {
        return switch (address) {
            case Inet4Address ignored -> AF_INET;
            case Inet6Address ignored -> AF_INET6;
            default -> throw new IllegalArgumentException("unsupported address type " + address);
        };
    }

    static int of(StandardProtocolFamily family) {
        return switch (family) {
            case INET -> AF_INET;
            case INET6 -> AF_INET6;
            case UNIX -> throw new IllegalArgumentException("UNIX is not an IP address family");
        };
    }

    static int addressLength(int family) throws MalformedNetlinkException {
        return switch (family) {
            case AF_INET -> 4;
            case AF_INET6 -> 16;
            default -> throw new MalformedNetlinkException("unexpected address family " + family);
        };
    }

    /** The configuration section that holds per-family settings such as {@code router_mac}. */
    static String configSection(InetAddress address) {
        return address instanceof Inet6Address ? "network.ipv6" : "network.ipv4";
    }
}
