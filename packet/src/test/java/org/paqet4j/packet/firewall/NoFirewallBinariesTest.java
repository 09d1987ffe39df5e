package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.route.ChildJvm;
import org.paqet4j.packet.route.Netns;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * A fresh machine without {@code nft} and {@code iptables}: the holder process runs in a mount
 * namespace where every firewall binary is {@code /bin/false}, so only the netlink backend can
 * work. From outside, the real {@code nft} must list its table; a peer's SYN to the port must get
 * no RST; SIGTERM must remove the table; a SIGKILLed run's table must be replaced by the next one.
 */
@NetnsTest
class NoFirewallBinariesTest {

    private static final List<String> BINARIES = List.of(
            "nft",
            "iptables",
            "ip6tables",
            "iptables-legacy",
            "ip6tables-legacy",
            "iptables-nft",
            "ip6tables-nft",
            "iptables-save",
            "ip6tables-save");

    private Netns server;
    private Netns peer;
    private String serverDevice;
    private int port;
    private final List<Process> holders = new ArrayList<>();

    @BeforeEach
    void buildTopology() throws Exception {
        server = Netns.create("fwnb");
        peer = Netns.create("fwnb");
        String suffix = Netns.randomSuffix();
        serverDevice = "p4jn" + suffix + "s";
        server.link(serverDevice, peer, "p4jn" + suffix + "p");
        server.run("ip", "addr", "add", "198.18.0.1/24", "dev", serverDevice);
        peer.run("ip", "addr", "add", "198.18.0.2/24", "dev", "p4jn" + suffix + "p");
        port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
    }

    @AfterEach
    void removeTopology() throws Exception {
        holders.forEach(Process::destroyForcibly);
        try {
            server.close();
        } finally {
            peer.close();
        }
    }

    @Test
    void netlinkInstallsTheRulesWhenNoFirewallBinaryWorks() throws Exception {
        Process first = startHolder();
        String table = server.run("nft", "list", "table", "inet", NftBackend.table(port));
        assertThat(table)
                .contains("comment \"paqet4j server port " + port + ", pid " + first.pid() + "\"")
                .contains("type filter hook prerouting priority raw; policy accept;")
                .contains("type filter hook output priority raw; policy accept;")
                .contains("type filter hook output priority mangle; policy accept;")
                .contains("tcp dport " + port + " counter packets 0 bytes 0 notrack")
                .contains("tcp sport " + port + " counter packets 0 bytes 0 notrack")
                .contains("tcp sport " + port + " tcp flags & rst == rst counter packets 0 bytes 0 drop");

        assertThat(synsAndResets())
                .as("a peer's SYN reaches the port and no RST leaves it")
                .satisfies(c -> assertThat(c[0]).isPositive())
                .satisfies(c -> assertThat(c[1]).isZero());
        assertThat(server.run("nft", "list", "table", "inet", NftBackend.table(port)))
                .as("the SYN went through the notrack rule")
                .containsPattern("tcp dport " + port + " counter packets [1-9]");

        server.run("kill", "-TERM", Long.toString(first.pid()));
        assertThat(first.waitFor(20, TimeUnit.SECONDS))
                .as("exits after SIGTERM")
                .isTrue();
        assertThat(server.run("nft", "list", "tables")).doesNotContain(NftBackend.table(port));
        assertThat(synsAndResets()[1])
                .as("without the rules the kernel resets again")
                .isPositive();

        Process killed = startHolder();
        server.run("kill", "-KILL", Long.toString(killed.pid()));
        assertThat(killed.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(server.run("nft", "list", "table", "inet", NftBackend.table(port)))
                .as("SIGKILL leaves the table")
                .contains("pid " + killed.pid());

        Process next = startHolder();
        String replaced = server.run("nft", "list", "table", "inet", NftBackend.table(port));
        assertThat(replaced)
                .as("the next start replaced the stale table")
                .contains("pid " + next.pid())
                .doesNotContain("pid " + killed.pid());
        assertThat(replaced.lines().filter(l -> l.strip().startsWith("tcp "))).hasSize(3);
        server.run("kill", "-TERM", Long.toString(next.pid()));
        assertThat(next.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(server.run("nft", "list", "tables")).doesNotContain(NftBackend.table(port));
    }

    /**
     * Starts {@link FirewallHolder} in the server namespace inside a mount namespace where the
     * firewall binaries are {@code /bin/false} (checked before the JVM starts), and waits for it.
     */
    private Process startHolder() throws IOException {
        StringBuilder script = new StringBuilder("set -e\n");
        for (String binary : BINARIES) {
            script.append("p=$(command -v ")
                    .append(binary)
                    .append(" || true); [ -z \"$p\" ] || mount --bind /bin/false \"$p\"\n");
        }
        script.append("if nft list tables >/dev/null 2>&1 || iptables -t raw -S >/dev/null 2>&1; then "
                + "echo 'firewall binaries still work'; exit 97; fi\n");
        script.append("exec \"$@\"\n");
        List<String> command = new ArrayList<>(
                List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString(), "holder"));
        command.addAll(server.exec(ChildJvm.command(FirewallHolder.class, Integer.toString(port), "SERVER")
                .toArray(String[]::new)));
        Process holder = new ProcessBuilder(command).redirectErrorStream(true).start();
        holders.add(holder);
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith("installed ")) {
                assertThat(line).isEqualTo("installed nf_tables (netlink)");
                Thread.ofPlatform().daemon().start(() -> drain(out));
                return holder;
            }
        }
        throw new IOException("firewall holder exited without installing rules:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe open so the holder never blocks on its logging
            }
        } catch (IOException e) {
            // the holder ended
        }
    }

    /** SYNs and RSTs tcpdump sees on the server while the peer's kernel tries to connect to the port. */
    private int[] synsAndResets() throws Exception {
        String file = "/tmp/p4j-fwnb-" + Netns.randomSuffix() + ".pcap";
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
            peer.run(
                    "python3",
                    "-c",
                    "import socket\n"
                            + "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                            + "s.settimeout(0.7)\n"
                            + "print(s.connect_ex(('198.18.0.1', " + port + ")))\n");
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
            return new int[] {
                (int) packets.stream().filter(l -> l.contains("Flags [S]")).count(),
                (int) packets.stream().filter(l -> l.contains("Flags [R")).count()
            };
        } finally {
            new ProcessBuilder("rm", "-f", file).start().waitFor();
        }
    }
}
