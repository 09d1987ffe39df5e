package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.paqet4j.packet.testing.NetnsPair.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet iface} in a network namespace built for the test: a veth pair to a second
 * namespace that plays the router, addresses from 198.18.0.0/15, a default route via the
 * router and a permanent neighbour entry for it. Loopback stays down and has no address: it
 * must be listed all the same. The command runs in a child JVM inside the
 * namespace and must show the namespace's interface, address, MAC and default gateway.
 */
@NetnsTest
class IfaceNamespaceTest {
    private final String suffix = randomSuffix();
    private final String host = "p4j-cli-" + suffix;
    private final String router = "p4j-cli-" + suffix + "-gw";
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void deleteNamespaces() throws Exception {
        for (String ns : created) {
            run("ip", "netns", "del", ns);
        }
    }

    @Test
    void showsTheNamespacesInterfaceAndDefaultGateway() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        int net = ThreadLocalRandom.current().nextInt(256);
        String hostIf = "p4jc" + suffix + "a";
        String routerIf = "p4jc" + suffix + "b";
        String hostMac = String.format("02:00:5e:%02x:00:02", net);
        String routerMac = String.format("02:00:5e:%02x:00:01", net);
        String hostIp = "198.19." + net + ".2";
        String routerIp = "198.19." + net + ".1";

        for (String ns : List.of(host, router)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
        }
        run("ip", "link", "add", hostIf, "netns", host, "type", "veth", "peer", "name", routerIf, "netns", router);
        run("ip", "-n", host, "link", "set", hostIf, "address", hostMac, "mtu", "1400");
        run("ip", "-n", router, "link", "set", routerIf, "address", routerMac);
        run("ip", "-n", host, "addr", "add", hostIp + "/24", "dev", hostIf);
        run("ip", "-n", router, "addr", "add", routerIp + "/24", "dev", routerIf);
        run("ip", "-n", host, "link", "set", hostIf, "up");
        run("ip", "-n", router, "link", "set", routerIf, "up");
        run("ip", "-n", host, "route", "add", "default", "via", routerIp);
        run("ip", "-n", host, "neigh", "replace", routerIp, "lladdr", routerMac, "dev", hostIf, "nud", "permanent");
        int index = Integer.parseInt(run("ip", "netns", "exec", host, "cat", "/sys/class/net/" + hostIf + "/ifindex")
                .strip());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a JVM start on a loaded machine: more time than a setup command
        String out = Commands.inNamespace(host)
                .withTimeout(Duration.ofSeconds(60))
                .check(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.paqet4j.cli.Paqet",
                        "iface");

        assertThat(out)
                .contains(
                        index + ": " + hostIf + "  up  mtu 1400  mac " + hostMac,
                        "    inet " + hostIp + "/24",
                        "1: lo  down  mtu 65536  mac none",
                        "    inet6 fe80::5eff:fe",
                        "default gateways:",
                        "  ipv4: " + routerIp + " via " + hostIf + " (index " + index + "), mac " + routerMac,
                        "  ipv6: none");
        assertThat(out).doesNotContain(routerIf);
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
