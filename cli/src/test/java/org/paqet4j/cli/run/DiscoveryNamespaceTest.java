package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.paqet4j.cli.run.NamespaceProcesses.firstLine;
import static org.paqet4j.packet.testing.NetnsPair.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.AddressScan;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet run} on both ends with neither {@code network.interface} nor {@code router_mac},
 * between two network namespaces joined by a veth pair and without a default route: the server
 * finds its interface from its own address and each reply's next hop from the kernel's tables
 * or, failing those, from the frames the client's packets arrived in; once more with a third
 * namespace routing between them on both default routes and the server configured with a
 * wildcard address. A SOCKS5 download checks
 * the tunnel end to end, {@code paqet iface -c} must explain the choices, and every line both
 * processes, {@code paqet iface} and {@code paqet ping} print is checked for
 * addresses written the JDK's way ({@code /198.18.0.1}, {@code 0:0:0:0:0:0:0:1}).
 */
@NetnsTest
class DiscoveryNamespaceTest {

    private static final int TUNNEL_PORT = 27_341;
    private static final int SOCKS_PORT = 27_342;
    private static final int HTTP_PORT = 27_343;
    private final NamespaceProcesses hosts = new NamespaceProcesses();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        hosts.close();
    }

    @Test
    void ipv4TunnelWithoutInterfaceRouterMacOrDefaultRoute() throws Exception {
        Lab lab = lab(false);
        exchange(lab, "198.18." + lab.n + ".1", "198.18." + lab.n + ".2", "ipv4");
    }

    @Test
    void ipv4RepliesReachAPeerTheServerCannotResolve() throws Exception {
        Lab lab = lab(false);
        // the client answers no ARP, so the server's only way back is the source MAC of the client's frames
        run("ip", "-n", lab.client, "link", "set", lab.clientDevice, "arp", "off");
        run(
                "ip",
                "-n",
                lab.client,
                "neigh",
                "replace",
                "198.18." + lab.n + ".1",
                "lladdr",
                lab.clientNextHopMac,
                "dev",
                lab.clientDevice,
                "nud",
                "permanent");
        exchange(lab, "198.18." + lab.n + ".1", "198.18." + lab.n + ".2", "ipv4");
        assertThat(run("ip", "-n", lab.server, "neigh", "show", "198.18." + lab.n + ".2"))
                .as("the server's kernel never resolved the client")
                .doesNotContain("lladdr");
    }

    @Test
    void ipv4ThroughARouterOnBothDefaultRoutesWithAWildcardServerAddress() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        int n = ThreadLocalRandom.current().nextInt(1, 254);
        int m = n + 1;
        String id = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        String server = "p4j-dv-" + id + "-s";
        String router = "p4j-dv-" + id + "-r";
        String client = "p4j-dv-" + id + "-c";
        for (String ns : List.of(server, router, client)) {
            run("ip", "netns", "add", ns);
            hosts.track(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String serverDevice = "p4jdv" + id + "s";
        String clientDevice = "p4jdv" + id + "c";
        String routerToServer = "p4jdv" + id + "t";
        String routerToClient = "p4jdv" + id + "u";
        run(
                "ip",
                "link",
                "add",
                serverDevice,
                "netns",
                server,
                "type",
                "veth",
                "peer",
                "name",
                routerToServer,
                "netns",
                router);
        run(
                "ip",
                "link",
                "add",
                clientDevice,
                "netns",
                client,
                "type",
                "veth",
                "peer",
                "name",
                routerToClient,
                "netns",
                router);
        String[][] addresses = {
            {server, serverDevice, "198.18." + n + ".1"}, {router, routerToServer, "198.18." + n + ".2"},
            {router, routerToClient, "198.18." + m + ".2"}, {client, clientDevice, "198.18." + m + ".1"}
        };
        for (String[] a : addresses) {
            run("ip", "-n", a[0], "addr", "add", a[2] + "/24", "dev", a[1]);
            run("ip", "-n", a[0], "link", "set", a[1], "up");
        }
        run("ip", "netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        run("ip", "-n", server, "route", "add", "default", "via", "198.18." + n + ".2");
        run("ip", "-n", client, "route", "add", "default", "via", "198.18." + m + ".2");
        String routerServerSide = mac(router, routerToServer);
        String routerClientSide = mac(router, routerToClient);
        Lab lab = new Lab(
                n,
                server,
                client,
                serverDevice,
                clientDevice,
                routerClientSide,
                "gateway 198.18." + m + ".2 at " + routerClientSide + " (route to 198.18." + n
                        + ".1, neighbour table)");

        exchange(lab, "198.18." + n + ".1", "198.18." + m + ".1", "ipv4", true);
        assertThat(Files.readString(dir.resolve("server.err")))
                .as("the server's replies go to the router")
                .contains("next hop to 198.18." + m + ".1 is gateway 198.18." + n + ".2 at " + routerServerSide);
    }

    @Test
    void ipv6TunnelWithoutInterfaceRouterMacOrDefaultRoute() throws Exception {
        Lab lab = lab(true);
        exchange(
                lab,
                "2001:2:0:" + Integer.toHexString(lab.n) + "::1",
                "2001:2:0:" + Integer.toHexString(lab.n) + "::2",
                "ipv6");
    }

    /** {@code clientNextHopMac}: where the client's frames go; {@code clientNextHop}: how {@code iface -c} says so. */
    private record Lab(
            int n,
            String server,
            String client,
            String serverDevice,
            String clientDevice,
            String clientNextHopMac,
            String clientNextHop) {}

    /** Two namespaces and a veth pair, IPv4 (and IPv6) on it, no default route, no neighbour entries. */
    private Lab lab(boolean ipv6) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        int n = ThreadLocalRandom.current().nextInt(1, 255);
        String id = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        Lab lab = new Lab(
                n, "p4j-dv-" + id + "-s", "p4j-dv-" + id + "-c", "p4jdv" + id + "s", "p4jdv" + id + "c", "", "");
        run("ip", "netns", "add", lab.server);
        hosts.track(lab.server);
        run("ip", "netns", "add", lab.client);
        hosts.track(lab.client);
        run(
                "ip",
                "link",
                "add",
                lab.serverDevice,
                "netns",
                lab.server,
                "type",
                "veth",
                "peer",
                "name",
                lab.clientDevice,
                "netns",
                lab.client);
        String[] ns = {lab.server, lab.client};
        String[] dev = {lab.serverDevice, lab.clientDevice};
        for (int i = 0; i < 2; i++) {
            run("ip", "-n", ns[i], "link", "set", "lo", "up");
            run("ip", "-n", ns[i], "addr", "add", "198.18." + n + "." + (i + 1) + "/24", "dev", dev[i]);
            if (ipv6) {
                run(
                        "ip",
                        "-n",
                        ns[i],
                        "addr",
                        "add",
                        "2001:2:0:" + Integer.toHexString(n) + "::" + (i + 1) + "/64",
                        "dev",
                        dev[i],
                        "nodad");
            }
            run("ip", "-n", ns[i], "link", "set", dev[i], "up");
        }
        String serverMac = mac(lab.server, lab.serverDevice);
        return new Lab(
                n,
                lab.server,
                lab.client,
                lab.serverDevice,
                lab.clientDevice,
                serverMac,
                "the server itself at " + serverMac + " (directly connected, neighbour table)");
    }

    private static String mac(String ns, String device) throws Exception {
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})")
                .matcher(run("ip", "-n", ns, "-o", "link", "show", device));
        assertThat(m.find()).as("MAC of %s in %s", device, ns).isTrue();
        return m.group(1);
    }

    /** Runs server and client with the given addresses, downloads a file through SOCKS5, pings, stops both. */
    private void exchange(Lab lab, String serverIp, String clientIp, String family) throws Exception {
        exchange(lab, serverIp, clientIp, family, false);
    }

    /**
     * As above; with {@code wildcardServer} the server is configured with 0.0.0.0 or [::] and takes
     * its address from the default route.
     */
    private void exchange(Lab lab, String serverIp, String clientIp, String family, boolean wildcardServer)
            throws Exception {
        boolean v6 = family.equals("ipv6");
        String serverEndpoint = v6 ? "[" + serverIp + "]:" + TUNNEL_PORT : serverIp + ":" + TUNNEL_PORT;
        Path www = Files.createDirectory(dir.resolve("www"));
        byte[] file = new byte[1 << 20];
        new Random(20).nextBytes(file);
        Files.write(www.resolve("f.bin"), file);
        hosts.startIn(
                lab.server,
                dir.resolve("http.log"),
                "python3",
                "-m",
                "http.server",
                Integer.toString(HTTP_PORT),
                "--bind",
                "127.0.0.1",
                "--directory",
                www.toString());

        Path server = Files.writeString(dir.resolve("server.yaml"), """
        role: server
        log: {level: debug}
        listen:
          addr: ":%d"
        network:
          carrier: raw
          %s:
            addr: "%s"
        transport:
          protocol: kcp
          kcp:
            block: aes-128-gcm
            key: "discovery namespace test"
        """.formatted(
                TUNNEL_PORT, family, wildcardServer ? (v6 ? "[::]:" : "0.0.0.0:") + TUNNEL_PORT : serverEndpoint));
        Path client = Files.writeString(dir.resolve("client.yaml"), """
        role: client
        log: {level: debug}
        socks5:
          - listen: "127.0.0.1:%d"
        network:
          carrier: raw
          %s:
            addr: "%s"
        server:
          addr: "%s"
        transport:
          protocol: kcp
          conn: 1
          kcp:
            block: aes-128-gcm
            key: "discovery namespace test"
        """.formatted(
                        SOCKS_PORT, family, v6 ? "[" + clientIp + "]:0" : clientIp + ":0", serverEndpoint));

        List<String> printed = new ArrayList<>();
        String section = "network." + family;
        String serverPlan = output(lab.server, "iface", "-c", server.toString());
        assertThat(serverPlan)
                .contains(section + ":\n  interface  " + lab.serverDevice
                        + (wildcardServer
                                ? " (default route; " + section + ".addr is a wildcard)"
                                : " (it holds " + serverIp + ")")
                        + "\n  local      " + serverIp
                        + (wildcardServer ? " (the default route's source address)" : " (" + section + ".addr)")
                        + "\n  next hop   per peer: the kernel's route and neighbour tables, else the "
                        + "source MAC of the frames the peer's packets arrive in\n");
        String clientPlan = output(lab.client, "iface", "-c", client.toString());
        assertThat(clientPlan)
                .contains(
                        section + ":\n  interface  " + lab.clientDevice + " (route to " + serverIp + ")\n  local      "
                                + clientIp + " (" + section + ".addr)\n  next hop   " + lab.clientNextHop + "\n");
        printed.addAll(serverPlan.lines().toList());
        printed.addAll(clientPlan.lines().toList());
        Process serverProcess = hosts.paqetIn(lab.server, dir.resolve("server.err"), "run", "-c", server.toString());
        String serverLine = firstLine(serverProcess, dir.resolve("server.err"));
        assertThat(serverLine)
                .isEqualTo("server listening on " + serverEndpoint + " (raw TCP on " + lab.serverDevice + " from "
                        + serverIp + ", cipher aes-128-gcm)");
        Process clientProcess = hosts.paqetIn(lab.client, dir.resolve("client.err"), "run", "-c", client.toString());
        String clientLine = firstLine(clientProcess, dir.resolve("client.err"));
        assertThat(clientLine).isEqualTo("client: 1 connection(s) to " + serverEndpoint + ", cipher aes-128-gcm");
        printed.add(serverLine);
        printed.add(clientLine);

        Path got = dir.resolve("got.bin");
        // curl's own limits (--max-time, retries) come first; the runner's deadline is a backstop
        String curl = Commands.inNamespace(lab.client)
                .withTimeout(Duration.ofMinutes(3))
                .check(
                        "curl",
                        "-sS",
                        "--retry",
                        "5",
                        "--retry-connrefused",
                        "--retry-delay",
                        "1",
                        "--max-time",
                        "60",
                        "--socks5-hostname",
                        "127.0.0.1:" + SOCKS_PORT,
                        "-o",
                        got.toString(),
                        "http://localhost:" + HTTP_PORT + "/f.bin");
        assertThat(sha256(Files.readAllBytes(got))).as(curl).isEqualTo(sha256(file));

        Process ping = hosts.paqetIn(
                lab.client, dir.resolve("ping.err"), "ping", "-c", client.toString(), "-n", "3", "-i", "100ms");
        String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The route was already proven by the download; a cold JVM's first PING on a loaded machine can miss
        // its 3 s, so one answer is enough here.
        assertThat(pingOut).containsPattern("3 sent, [123] received");
        printed.addAll(pingOut.lines().toList());

        for (Process p : List.of(clientProcess, serverProcess)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        for (String log : List.of("server.err", "client.err", "ping.err")) {
            printed.addAll(Files.readAllLines(dir.resolve(log)));
        }
        assertThat(printed).as("lines printed").anyMatch(l -> l.contains("session from "));
        AddressScan.assertWrittenAsPeopleDo(printed);
    }

    /** What {@code paqet ARGS} prints on stdout in {@code ns}; it must exit 0. */
    private String output(String ns, String... args) throws Exception {
        Path err = dir.resolve("paqet-" + args[0] + "-" + System.nanoTime() + ".err");
        Process p = hosts.paqetIn(ns, err, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("paqet %s: %s%s", String.join(" ", args), out, Files.readString(err))
                .isZero();
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
