package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.Optional;

/**
 * Test main run inside a namespace: {@code peer interface|- mac|- timeoutMillis} prints
 * {@code path name index mac source nextHop mtu}; {@code gateway 4|6} prints
 * {@code gateway address interface mac|-}; failures print {@code error <message>}.
 */
public final class NetworkPathProbe {

    private NetworkPathProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("gateway")) {
            printGateway(args[1].equals("6") ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            return;
        }
        Optional<String> iface = args[1].equals("-") ? Optional.empty() : Optional.of(args[1]);
        Optional<MacAddress> mac = args[2].equals("-") ? Optional.empty() : Optional.of(MacAddress.parse(args[2]));
        try {
            NetworkPath path = NetworkPath.resolve(
                    InetAddress.getByName(args[0]), iface, mac, Duration.ofMillis(Long.parseLong(args[3])));
            System.out.println("path " + path.interfaceName() + " " + path.interfaceIndex() + " "
                    + path.interfaceMac() + " " + path.source().getHostAddress() + " " + path.nextHopMac() + " "
                    + path.mtu());
        } catch (NetworkPathException e) {
            System.out.println("error " + e.getMessage());
        }
    }

    private static void printGateway(StandardProtocolFamily family) throws Exception {
        Optional<Gateway> gateway = Routes.defaultGateway(family);
        System.out.println(gateway.map(g -> "gateway " + g.address().getHostAddress() + " " + g.interfaceName() + " "
                        + g.mac().map(MacAddress::toString).orElse("-"))
                .orElse("error no default gateway"));
    }
}
