package org.paqet4j.reassembly;

import java.net.Inet6Address;
import java.net.InetAddress;

/** One side of a TCP connection. Prints as {@code ip:port}, IPv6 as {@code [addr]:port}. */
public record Endpoint(InetAddress address, int port) {

    public Endpoint {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return address instanceof Inet6Address ? "[" + ipv6(address.getAddress()) + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    /** RFC 5952 text: the longest run of two or more zero groups (the first on a tie) becomes "::". */
    static String ipv6(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }
}
