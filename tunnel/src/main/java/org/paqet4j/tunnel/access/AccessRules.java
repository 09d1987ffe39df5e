package org.paqet4j.tunnel.access;

import java.net.InetAddress;
import java.util.List;

/**
 * Which resolved target addresses and ports the server may dial. A target is denied when it is in
 * a deny network or deny port range, or when allow lists are given and it is in none of them.
 * Checked after DNS resolution, so a domain cannot smuggle a denied address past the rules.
 *
 * <p>{@link #defaults()} allows everything as paqet does, except link-local networks and the
 * cloud metadata endpoints reachable through them.
 */
public record AccessRules(List<Cidr> allowNetworks, List<Cidr> denyNetworks,
                          List<PortRange> allowPorts, List<PortRange> denyPorts) {

    /** Link-local and cloud metadata addresses (AWS, GCP, Azure, OpenStack via 169.254.169.254; AWS IPv6; Alibaba). */
    public static final List<Cidr> DEFAULT_DENY = List.of(
            Cidr.parse("169.254.0.0/16"),
            Cidr.parse("fe80::/10"),
            Cidr.parse("fd00:ec2::254/128"),
            Cidr.parse("100.100.100.200/32"));

    public AccessRules {
        allowNetworks = List.copyOf(allowNetworks);
        denyNetworks = List.copyOf(denyNetworks);
        allowPorts = List.copyOf(allowPorts);
        denyPorts = List.copyOf(denyPorts);
    }

    public static AccessRules defaults() {
        return new AccessRules(List.of(), DEFAULT_DENY, List.of(), List.of());
    }

    public static AccessRules allowAll() {
        return new AccessRules(List.of(), List.of(), List.of(), List.of());
    }

    /** Returns null when allowed, else the reason (for logs and counters). */
    public String denial(InetAddress address, int port) {
        for (Cidr cidr : denyNetworks) {
            if (cidr.contains(address)) {
                return address.getHostAddress() + " is in denied network " + cidr;
            }
        }
        for (PortRange range : denyPorts) {
            if (range.contains(port)) {
                return "port " + port + " is in denied range " + range;
            }
        }
        if (!allowNetworks.isEmpty() && allowNetworks.stream().noneMatch(c -> c.contains(address))) {
            return address.getHostAddress() + " is in no allowed network";
        }
        if (!allowPorts.isEmpty() && allowPorts.stream().noneMatch(r -> r.contains(port))) {
            return "port " + port + " is in no allowed range";
        }
        return null;
    }

    public boolean allows(InetAddress address, int port) {
        return denial(address, port) == null;
    }
}
