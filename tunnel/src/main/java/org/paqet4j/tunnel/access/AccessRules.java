package org.paqet4j.tunnel.access;

import java.net.InetAddress;
import java.util.List;
import org.paqet4j.packet.AddressText;

/**
 * Which resolved target addresses and ports the server may dial: a deny rule always wins; when
 * the allow list is not empty a target must also match one of its rules. Checked after DNS
 * resolution, so a domain cannot smuggle a denied address past the rules; IPv4-mapped IPv6
 * addresses are checked as the IPv4 address they carry.
 *
 * <p>Unspecified addresses ({@code 0.0.0.0/8}, {@code ::}) are denied whatever the rules say: the
 * kernel and the JDK connect them to the host itself (TCP to {@code 0.0.0.0} reaches
 * {@code 127.0.0.1}), so they would slip past a rule that denies loopback.
 *
 * <p>{@link #defaults()} allows everything as paqet does, except link-local networks and the
 * cloud metadata endpoints.
 */
public record AccessRules(List<AccessRule> allow, List<AccessRule> deny) {

    /** Link-local and cloud metadata addresses (AWS, GCP, Azure, OpenStack via 169.254.169.254; AWS IPv6; Alibaba). */
    public static final List<AccessRule> DEFAULT_DENY = List.of(
            AccessRule.of("169.254.0.0/16"),
            AccessRule.of("fe80::/10"),
            AccessRule.of("fd00:ec2::254"),
            AccessRule.of("100.100.100.200"));

    public AccessRules {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public static AccessRules defaults() {
        return new AccessRules(List.of(), DEFAULT_DENY);
    }

    public static AccessRules allowAll() {
        return new AccessRules(List.of(), List.of());
    }

    /** Returns null when allowed, else the reason (for logs and counters). */
    public String denial(InetAddress address, int port) {
        if (Cidr.isUnspecified(address)) {
            return AddressText.of(address) + " is an unspecified address (it means this host), never a target";
        }
        for (AccessRule rule : deny) {
            if (rule.matches(address, port)) {
                return AddressText.of(address) + " port " + port + " matches deny rule " + rule;
            }
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(r -> r.matches(address, port))) {
            return AddressText.of(address) + " port " + port + " matches no allow rule";
        }
        return null;
    }

    public boolean allows(InetAddress address, int port) {
        return denial(address, port) == null;
    }
}
