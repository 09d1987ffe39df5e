package org.paqet4j.cli.config;

import java.net.InetAddress;
import java.util.List;

/**
 * {@code access}: which targets a server dials for its clients. A deny rule always wins; when
 * the allow list is non-empty a target must also match one of its rules.
 */
public record AccessConfig(List<AccessRule> allow, List<AccessRule> deny) {
    public AccessConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** Whether the server may dial this target. */
    public boolean permits(InetAddress address, int port) {
        if (deny.stream().anyMatch(r -> r.matches(address, port))) {
            return false;
        }
        return allow.isEmpty() || allow.stream().anyMatch(r -> r.matches(address, port));
    }
}
