package org.paqet4j.tunnel.access;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.paqet4j.packet.AddressText;

/** An IPv4 or IPv6 network in CIDR notation; IPv4-mapped IPv6 addresses match IPv4 networks. */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        int bits = network.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + bits);
        }
        network = network.clone();
        for (int bit = prefixLength; bit < bits; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** Parses {@code 10.0.0.0/8}, {@code fe80::/10} or a single address (full-length prefix). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v6 = address.indexOf(':') >= 0;
        boolean literal = v6
                ? address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                : address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR");
        }
        byte[] bytes;
        try {
            // Only literals reach this point, so no DNS lookup happens.
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR", e);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a non-numeric prefix length", e);
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = normalize(address);
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[full] & mask) == (network[full] & 0xFF);
    }

    /**
     * True for {@code 0.0.0.0/8} ("this network", which Linux connects to the host itself) and
     * {@code ::}, also in their IPv4-mapped forms.
     */
    public static boolean isUnspecified(InetAddress address) {
        byte[] bytes = normalize(address);
        if (bytes.length == 4) {
            return bytes[0] == 0;
        }
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) is treated as the IPv4 address it carries. */
    static byte[] normalize(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isV4Mapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return v4;
        }
        return bytes;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefixLength == other.prefixLength && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            InetAddress address = network.length == 4
                    ? Inet4Address.getByAddress(network)
                    : Inet6Address.getByAddress(null, network, -1);
            return AddressText.of(address) + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("network of length " + network.length, e);
        }
    }
}
