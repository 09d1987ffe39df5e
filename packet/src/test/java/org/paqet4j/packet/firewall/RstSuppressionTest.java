package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.packet.route.Netns;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * The point of the rules, seen on the wire: a peer namespace sends a SYN to the tunnel port of a
 * "server" namespace that has no socket on it. Without the rules the server kernel tracks it and
 * answers with a RST; with them (any backend) tcpdump on the server's interface sees the SYN
 * and no RST, and conntrack leaves the SYN untracked.
 */
@NetnsTest
class RstSuppressionTest {

    private static Netns server;
    private static Netns peer;
    private static String serverDevice;

    @BeforeAll
    static void buildTopology() throws Exception {
        server = Netns.create("fw");
        peer = Netns.create("fw");
        String suffix = Netns.randomSuffix();
        serverDevice = "p4jf" + suffix + "s";
        server.link(serverDevice, peer, "p4jf" + suffix + "p");
        server.run("ip", "addr", "add", "198.18.0.1/24", "dev", serverDevice);
        server.run("ip", "addr", "add", "2001:2::1/64", "dev", serverDevice, "nodad");
        peer.run("ip", "addr", "add", "198.18.0.2/24", "dev", "p4jf" + suffix + "p");
        peer.run("ip", "addr", "add", "2001:2::2/64", "dev", "p4jf" + suffix + "p", "nodad");
        // Like any host with a stateful firewall: ct rules make the kernel track connections here,
        // and their counters show whether our packets were tracked (new) or not (untracked).
        server.run("nft", "add", "table", "inet", "p4jstate");
        server.run(
                "nft",
                "add",
                "chain",
                "inet",
                "p4jstate",
                "input",
                "{ type filter hook input priority 0; policy accept; }");
        for (String state : List.of("new", "untracked")) {
            server.run(
                    "nft",
                    "add",
                    "rule",
                    "inet",
                    "p4jstate",
                    "input",
                    "meta",
                    "l4proto",
                    "tcp",
                    "ct",
                    "state",
                    state,
                    "counter",
                    "comment",
                    "\"" + state + "\"");
        }
    }

    @AfterAll
    static void removeTopology() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = FirewallRules.Preference.class,
            names = {"NETLINK", "NFT", "IPTABLES"})
    void noRstLeavesTheServerWhileTheRulesAreInPlace(FirewallRules.Preference backend) throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
        for (String address : List.of("198.18.0.1", "2001:2::1")) {
            assertThat(probe(address, port))
                    .as("without rules the kernel resets and tracks (%s)", address)
                    .satisfies(c -> assertThat(c.syns()).isPositive())
                    .satisfies(c -> assertThat(c.resets()).isPositive())
                    .satisfies(c -> assertThat(c.tracked()).isPositive())
                    .satisfies(c -> assertThat(c.untracked()).isZero());
        }
        try (NetfilterNamespace netfilter = new NetfilterNamespace(server);
                FirewallRules rules = FirewallRules.install(
                        port, Role.SERVER, Commands.inNamespace(server.name()), netfilter.opener(), backend)) {
            for (String address : List.of("198.18.0.1", "2001:2::1")) {
                assertThat(probe(address, port))
                        .as("with %s rules (%s)", rules.backend(), address)
                        .satisfies(c -> assertThat(c.syns()).isPositive())
                        .satisfies(c -> assertThat(c.resets()).isZero())
                        .satisfies(c -> assertThat(c.tracked()).isZero())
                        .satisfies(c -> assertThat(c.untracked()).isPositive());
            }
        }
        assertThat(probe("198.18.0.1", port).resets())
                .as("after close the kernel resets again")
                .isPositive();
    }

    /** SYNs and RSTs tcpdump saw; inbound packets conntrack saw as new, and those it left untracked. */
    record Capture(int syns, int resets, long tracked, long untracked) {}

    /** The packet counter of the {@code ct state <state>} rule in the server's input chain. */
    private static long counted(String state) throws Exception {
        String rule = server.run("nft", "list", "chain", "inet", "p4jstate", "input")
                .lines()
                .filter(l -> l.contains("comment \"" + state + "\""))
                .findFirst()
                .orElseThrow();
        Matcher packets = java.util.regex.Pattern.compile("packets (\\d+)").matcher(rule);
        assertThat(packets.find()).as("counter in %s", rule).isTrue();
        return Long.parseLong(packets.group(1));
    }

    /** Captures on the server while the peer tries to connect to {@code address} port {@code port}. */
    private static Capture probe(String address, int port) throws Exception {
        String file = "/tmp/p4j-fw-" + Netns.randomSuffix() + ".pcap";
        long trackedBefore = counted("new");
        long untrackedBefore = counted("untracked");
        // --immediate-mode: without it libpcap holds packets in a ring block we would never see.
        Process tcpdump = new ProcessBuilder(server.exec(
                        "tcpdump", "-i", serverDevice, "-n", "-U", "--immediate-mode", "-w", file, "tcp port " + port))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.contains("listening on")) {
                line = out.readLine();
            }
            assertThat(line).as("tcpdump started").isNotNull();
            String family = address.contains(":") ? "socket.AF_INET6" : "socket.AF_INET";
            // A real SYN from the peer's kernel; the answer (RST or nothing) is what we look at.
            peer.run(
                    "python3",
                    "-c",
                    "import socket\n"
                            + "s = socket.socket(" + family + ", socket.SOCK_STREAM)\n"
                            + "s.settimeout(0.7)\n"
                            + "print(s.connect_ex(('" + address + "', " + port + ")))\n");
            Thread.sleep(200);
        } finally {
            tcpdump.destroy();
            tcpdump.waitFor(5, TimeUnit.SECONDS);
            tcpdump.destroyForcibly();
        }
        try {
            List<String> packets = server.run("tcpdump", "-n", "-r", file)
                    .lines()
                    .filter(l -> l.contains("Flags ["))
                    .toList();
            int syns =
                    (int) packets.stream().filter(l -> l.contains("Flags [S]")).count();
            int resets =
                    (int) packets.stream().filter(l -> l.contains("Flags [R")).count();
            return new Capture(syns, resets, counted("new") - trackedBefore, counted("untracked") - untrackedBefore);
        } finally {
            new ProcessBuilder("rm", "-f", file).start().waitFor();
        }
    }
}
