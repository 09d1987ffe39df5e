package org.paqet4j.reassembly;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The overlap policy of the hosts in one network, as Suricata's host-os-policy: a direction is
 * reassembled the way its receiver's stack would, so the policy follows the destination address.
 */
public record HostPolicy(InetAddress network, int prefixLength, OverlapPolicy policy) {

    public HostPolicy {
        if (network == null || policy == null) {
            throw new IllegalArgumentException("network and policy are required");
        }
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + bits + ", got " + prefixLength);
        }
    }

    /** {@code "192.0.2.0/24"} or {@code "2001:db8::/32"}; a bare address is a single host. */
    public static HostPolicy parse(String cidr, OverlapPolicy policy) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        // only literals reach getByName, so it never looks a name up
        boolean ipv6 = address.contains(":")
                && address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        boolean ipv4 =
                address.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException(
                    "'" + cidr + "' is not an IP network (e.g. 192.0.2.0/24, 2001:db8::/32)");
        }
        try {
            InetAddress network = InetAddress.getByName(address);
            int prefix = slash < 0 ? network.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            return new HostPolicy(network, prefix, policy);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + cidr + "' is not an IP network (e.g. 192.0.2.0/24, 2001:db8::/32)");
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (n[full] & mask);
    }
}
