package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/** Which interface holds an address of this host, answered by the kernel's address table (rtnetlink). */
public final class LocalAddresses {

    private LocalAddresses() {}

    /**
     * The name of the interface {@code address} is assigned to ({@code ip -o address | grep}),
     * empty when no interface in this network namespace has it.
     */
    public static Optional<String> interfaceHolding(InetAddress address) throws IOException {
        byte[] wanted = address.getAddress();
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            Optional<InterfaceAddress> match = RtNetlink.addressDump(socket, AddressFamily.of(address)).stream()
                    .filter(a -> Arrays.equals(a.address().getAddress(), wanted))
                    .findFirst();
            if (match.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    RtNetlink.link(socket, match.get().interfaceIndex()).name());
        }
    }
}
