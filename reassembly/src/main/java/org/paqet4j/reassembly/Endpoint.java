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
        String host = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + host + "]:" + port : host + ":" + port;
    }
}
