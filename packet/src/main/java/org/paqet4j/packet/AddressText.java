package org.paqet4j.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Addresses as people write them: dotted quads, IPv6 in RFC 5952 form ({@code 2001:db8::1}, not
 * the JDK's {@code 2001:db8:0:0:0:0:0:1}), endpoints as {@code 198.18.0.2:9999} and
 * {@code [::1]:9999}, never with the leading {@code /} of {@link InetSocketAddress#toString()}.
 * One implementation for log lines, dumps, configuration output and capture tools alike.
 */
public final class AddressText {

    private AddressText() {}

    /** The canonical text of {@code address}: dotted quad, or RFC 5952 IPv6 (with {@code %scope} if it has one). */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        String text = ipv6(address.getAddress());
        int scope = v6.getScopeId();
        return scope != 0 ? text + "%" + scope : text;
    }

    /** {@code ip:port}, IPv6 as {@code [addr]:port}; an unresolved address prints its host name. */
    public static String of(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        String host = address == null ? endpoint.getHostString() : of(address);
        return endpoint(host, address instanceof Inet6Address, endpoint.getPort());
    }

    /** {@code ip:port}, IPv6 as {@code [addr]:port}. */
    public static String of(InetAddress address, int port) {
        return endpoint(of(address), address instanceof Inet6Address, port);
    }

    private static String endpoint(String host, boolean bracketed, int port) {
        return bracketed ? "[" + host + "]:" + port : host + ":" + port;
    }

    /**
     * RFC 5952 text of a 16-byte IPv6 address: lower case, no leading zeros, and the longest run
     * of two or more zero groups (the first one on a tie) written as {@code ::}.
     */
    public static String ipv6(byte[] address) {
        if (address.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, got " + address.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
