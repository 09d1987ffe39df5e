package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * NetworkPath against real kernels: a client namespace joined by a veth pair to a "router"
 * namespace, with routes through it. Each resolution runs in a child JVM inside the client
 * namespace, since netlink answers for the namespace of the process.
 */
@NetnsTest
class NetworkPathNamespaceTest {

    private static Netns client;
    private static Netns router;
    private static String clientDevice;
    private static String routerDevice;
    private static String otherDevice;
    private static MacAddress routerMac;
    private static MacAddress clientMac;

    @BeforeAll
    static void buildTopology() throws Exception {
        client = Netns.create("rt");
        router = Netns.create("rt");
        String suffix = Netns.randomSuffix();
        clientDevice = "p4jr" + suffix + "c";
        routerDevice = "p4jr" + suffix + "r";
        otherDevice = "p4jr" + suffix + "d";
        client.link(clientDevice, router, routerDevice);
        client.run("ip", "addr", "add", "198.18.0.1/24", "dev", clientDevice);
        client.run("ip", "addr", "add", "2001:2::1/64", "dev", clientDevice, "nodad");
        router.run("ip", "addr", "add", "198.18.0.2/24", "dev", routerDevice);
        router.run("ip", "addr", "add", "2001:2::2/64", "dev", routerDevice, "nodad");
        client.run("ip", "route", "add", "198.19.0.0/24", "via", "198.18.0.2");
        client.run("ip", "route", "add", "198.19.1.0/24", "via", "198.18.0.8"); // a gateway nobody answers for
        client.run("ip", "-6", "route", "add", "2001:2:0:1::/64", "via", "2001:2::2");
        // IPv6 default routes usually point at the router's link-local address.
        router.run("ip", "addr", "add", "fe80::2/64", "dev", routerDevice, "nodad");
        client.run("ip", "-6", "route", "add", "default", "via", "fe80::2", "dev", clientDevice);
        client.run("ip", "route", "add", "default", "via", "198.18.0.2");
        // A second Ethernet interface (a veth pair looped inside the namespace) to force the path onto.
        client.run("ip", "link", "add", otherDevice, "type", "veth", "peer", "name", "p4jr" + suffix + "e");
        client.run("ip", "link", "set", "p4jr" + suffix + "e", "up");
        client.run("ip", "addr", "add", "198.18.7.1/24", "dev", otherDevice);
        client.run("ip", "link", "set", otherDevice, "up");
        routerMac = router.mac(routerDevice);
        clientMac = client.mac(clientDevice);
    }

    @AfterAll
    static void removeTopology() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (router != null) {
                router.close();
            }
        }
    }

    @Test
    void gatewayMacIsResolvedWhenTheNeighbourEntryIsMissing() throws Exception {
        client.run("ip", "neigh", "flush", "dev", clientDevice);
        assertThat(neighbour("198.18.0.2")).as("no entry before").isEmpty();
        String line = probe("198.19.0.5", "-", "-", "3000");
        assertThat(line)
                .isEqualTo(String.join(
                        " ",
                        "path",
                        clientDevice,
                        index(clientDevice),
                        clientMac.toString(),
                        "198.18.0.1",
                        routerMac.toString(),
                        "1500"));
        assertThat(neighbour("198.18.0.2")).as("the kernel resolved it").contains(routerMac.toString());
        assertThat(neighbourMac("198.18.0.2")).isEqualTo(routerMac.toString());
    }

    @Test
    void directlyConnectedPeerIsItsOwnNextHop() throws Exception {
        assertThat(probe("198.18.0.2", "-", "-", "3000")).endsWith(" 198.18.0.1 " + routerMac + " 1500");
        assertThat(probe("2001:2::2", "-", "-", "3000")).endsWith(" 2001:2:0:0:0:0:0:1 " + routerMac + " 1500");
    }

    @Test
    void ipv6GatewayIsResolvedThroughNdp() throws Exception {
        assertThat(probe("2001:2:0:1::9", "-", "-", "3000"))
                .isEqualTo(String.join(
                        " ",
                        "path",
                        clientDevice,
                        index(clientDevice),
                        clientMac.toString(),
                        "2001:2:0:0:0:0:0:1",
                        routerMac.toString(),
                        "1500"));
    }

    @Test
    void linkLocalIpv6GatewayIsResolvedOnItsInterface() throws Exception {
        assertThat(probe("2001:2:0:5::1", "-", "-", "3000"))
                .isEqualTo(String.join(
                        " ",
                        "path",
                        clientDevice,
                        index(clientDevice),
                        clientMac.toString(),
                        "2001:2:0:0:0:0:0:1",
                        routerMac.toString(),
                        "1500"));
    }

    @Test
    void defaultGatewaysCarryTheirMacOnceTheNeighbourIsKnown() throws Exception {
        // Any frame from the router (IPv6 neighbour discovery, a late reply) can re-create the entry right after the
        // flush; flush again until the lookup sees the neighbour unknown.
        String unknown = "gateway 198.18.0.2 " + clientDevice + " -";
        String seen = null;
        for (int attempt = 0; attempt < 10 && !unknown.equals(seen); attempt++) {
            client.run("ip", "neigh", "flush", "dev", clientDevice);
            seen = probe("gateway", "4");
        }
        assertThat(seen).isEqualTo(unknown);
        client.run("ping", "-c", "1", "-W", "2", "198.18.0.2");
        assertThat(probe("gateway", "4")).isEqualTo("gateway 198.18.0.2 " + clientDevice + " " + routerMac);
        client.run("ping", "-6", "-c", "1", "-W", "2", "fe80::2%" + clientDevice);
        assertThat(probe("gateway", "6"))
                .isEqualTo("gateway fe80:0:0:0:0:0:0:2%" + index(clientDevice) + " " + clientDevice + " " + routerMac);
    }

    @Test
    void configuredMacReplacesTheLookupAndSendsNothing() throws Exception {
        assertThat(probe("198.18.0.77", "-", "02:00:00:00:00:77", "1000"))
                .endsWith(" 198.18.0.1 02:00:00:00:00:77 1500");
        assertThat(neighbour("198.18.0.77")).as("no resolution was triggered").isEmpty();
    }

    @Test
    void configuredInterfaceReplacesTheRoute() throws Exception {
        String line = probe("198.19.0.5", otherDevice, "02:00:00:00:00:99", "1000");
        assertThat(line)
                .startsWith("path " + otherDevice + " " + index(otherDevice) + " ")
                .endsWith(" 198.18.7.1 02:00:00:00:00:99 1500");
    }

    @Test
    void unresolvableNextHopsAreNamedWithTheSettingThatFixesThem() throws Exception {
        assertThat(probe("198.19.1.5", "-", "-", "1000"))
                .matches("error no MAC for gateway 198\\.18\\.0\\.8 on " + clientDevice
                        + " after 1 s \\(neighbour state (INCOMPLETE|FAILED)\\); set network.ipv4.router_mac");
        assertThat(probe("198.18.0.9", "-", "-", "1000"))
                .startsWith(
                        "error no MAC for directly connected peer " + "198.18.0.9 on " + clientDevice + " after 1 s (")
                .endsWith("); set network.ipv4.router_mac");
        client.run("ip", "route", "add", "unreachable", "198.20.0.0/16");
        assertThat(probe("198.20.0.1", "-", "-", "1000"))
                .startsWith("error no route to peer 198.20.0.1: ")
                .contains("No route to host");
        assertThat(probe("198.18.0.2", "p4j-nosuch0", "-", "1000"))
                .isEqualTo("error interface 'p4j-nosuch0' (network.interface) does not exist");
    }

    private static String probe(String... args) throws IOException, InterruptedException {
        List<String> output = client.run(
                        ChildJvm.command(NetworkPathProbe.class, args).toArray(String[]::new))
                .lines()
                .filter(l -> l.startsWith("path ") || l.startsWith("gateway ") || l.startsWith("error "))
                .toList();
        assertThat(output).as("probe output for %s", String.join(" ", args)).hasSize(1);
        return output.getFirst();
    }

    private static String neighbour(String address) throws IOException, InterruptedException {
        return client.run("ip", "neigh", "show", address).strip();
    }

    private static String neighbourMac(String address) throws IOException, InterruptedException {
        return client.run("ip", "-br", "neigh", "show", address).strip().split("\\s+")[2];
    }

    private static String index(String device) throws IOException, InterruptedException {
        return client.run("cat", "/sys/class/net/" + device + "/ifindex").strip();
    }
}
