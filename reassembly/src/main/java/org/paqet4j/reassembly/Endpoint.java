package org.paqet4j.reassembly;

import java.net.InetAddress;
import org.paqet4j.packet.AddressText;

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

    /** Identity first: the decoder reuses endpoint objects, so most comparisons end there. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Endpoint e && port == e.port && address.equals(e.address));
    }

    @Override
    public String toString() {
        return AddressText.of(address, port);
    }
}
