package org.paqet4j.cli.config;

import java.net.InetAddress;
import java.util.Optional;
import org.paqet4j.packet.route.MacAddress;

/**
 * The local address of one family ({@code network.ipv4} or {@code network.ipv6}): the source IP
 * and port of the crafted packets, and the MAC of the router they are sent to. Port 0 (clients
 * only) picks a random port; without a router MAC the gateway's is looked up in the kernel.
 */
public record AddressConfig(InetAddress address, int port, Optional<MacAddress> routerMac) {
    /** An {@code addr} value: an IP literal of the family (IPv6 in brackets) and a port 0-65535. */
    record Parsed(InetAddress address, int port) {}

    static Optional<Parsed> parse(String text, boolean v6) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        Optional<? extends InetAddress> ip = v6
                ? (host.startsWith("[") && host.endsWith("]")
                        ? IpLiterals.parse6(host.substring(1, host.length() - 1))
                        : Optional.empty())
                : IpLiterals.parse4(host);
        if (ip.isEmpty()
                || port.isEmpty()
                || port.length() > 5
                || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) > 65535) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(ip.get(), Integer.parseInt(port)));
    }

    /** The form the configuration file uses. */
    public String addr() {
        return new HostPort(IpLiterals.format(address), port).toString();
    }
}
