package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.packet.route.ChildJvm;
import org.paqet4j.packet.route.NetlinkException;
import org.paqet4j.packet.route.Netns;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/** Every test works inside its own namespace, so the host's ruleset is never read or touched. */
@NetnsTest
class FirewallRulesTest {

    private Netns netns;
    private NetfilterNamespace netfilter;
    private Commands commands;
    private int port;

    @BeforeEach
    void createNamespace() throws Exception {
        netns = Netns.create("fw");
        netfilter = new NetfilterNamespace(netns);
        commands = Commands.inNamespace(netns.name());
        port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        netfilter.close();
        netns.close();
    }

    @Test
    void nftablesTableIsInstalledTaggedAndRemovedOnClose() throws Exception {
        FirewallRules rules =
                FirewallRules.install(port, Role.SERVER, commands, netfilter.opener(), FirewallRules.Preference.NFT);
        try {
            assertThat(rules.backend()).isEqualTo("nftables");
            String table = netns.run("nft", "list", "table", "inet", "paqet4j_" + port);
            assertThat(table)
                    .contains(
                            "tcp dport " + port + " counter packets 0 bytes 0 notrack",
                            "tcp sport " + port + " counter packets 0 bytes 0 notrack",
                            "tcp sport " + port + " tcp flags & rst == rst counter packets 0 bytes 0 drop",
                            "priority raw",
                            "priority mangle");
        } finally {
            rules.close();
        }
        assertThat(netns.run("nft", "list", "tables")).doesNotContain("paqet4j_" + port);
        rules.close(); // idempotent
    }

    @Test
    void iptablesRulesAreInstalledForBothFamiliesTaggedAndRemovedOnClose() throws Exception {
        try (FirewallRules rules = FirewallRules.install(
                port, Role.CLIENT, commands, netfilter.opener(), FirewallRules.Preference.IPTABLES)) {
            assertThat(rules.backend()).isEqualTo("iptables");
            for (String tool : List.of("iptables", "ip6tables")) {
                assertThat(tagged(tool, "raw"))
                        .hasSize(2)
                        .anySatisfy(r -> assertThat(r).contains("-A PREROUTING", "--dport " + port))
                        .anySatisfy(r -> assertThat(r).contains("-A OUTPUT", "--sport " + port));
                assertThat(tagged(tool, "mangle"))
                        .singleElement()
                        .asString()
                        .contains("-A OUTPUT", "--sport " + port, "RST RST", "-j DROP");
            }
        }
        for (String tool : List.of("iptables", "ip6tables")) {
            assertThat(tagged(tool, "raw")).isEmpty();
            assertThat(tagged(tool, "mangle")).isEmpty();
        }
    }

    @Test
    void staleRulesOfAKilledRunAreRemovedAtTheNextStart() throws Exception {
        Process holder = startHolder();
        try {
            netns.run("kill", "-KILL", Long.toString(holder.pid()));
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        assertThat(nftRules()).as("SIGKILL leaves the rules").hasSize(3);
        // A crashed iptables-era run, too: the rules exactly as describe() tells users to add them.
        for (String command : FirewallRules.describe(port, Role.SERVER)) {
            netns.run(command.split(" "));
        }
        try (FirewallRules rules =
                FirewallRules.install(port, Role.SERVER, commands, netfilter.opener(), FirewallRules.Preference.AUTO)) {
            assertThat(rules.backend()).isEqualTo("nf_tables (netlink)");
            assertThat(nftRules()).as("one fresh set, not two").hasSize(3);
            assertThat(tagged("iptables", "raw")).isEmpty();
            assertThat(tagged("ip6tables", "mangle")).isEmpty();
        }
        assertThat(nftRules()).isEmpty();
    }

    @Test
    void aSecondProcessOnTheSamePortRefusesNamingTheOwnerAndLeavesItsRules() throws Exception {
        Process owner = startHolder();
        try {
            String before = netns.run("nft", "list", "table", "inet", NftBackend.table(port));
            Process second = new ProcessBuilder(
                            netns.exec(ChildJvm.command(FirewallHolder.class, Integer.toString(port), "SERVER")
                                    .toArray(String[]::new)))
                    .redirectErrorStream(true)
                    .start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            boolean exited;
            try {
                exited = second.waitFor(30, TimeUnit.SECONDS);
            } finally {
                second.destroyForcibly();
            }
            assertThat(exited)
                    .as("the second process gives up; output:\n%s", output.get())
                    .isTrue();
            assertThat(second.exitValue()).as("output:\n%s", output.get()).isNotZero();
            assertThat(output.get())
                    .contains("raw TCP port " + port + " (server port " + port
                            + ") is in use by another paqet4j process (pid " + owner.pid()
                            + ") in this network namespace");
            assertThat(netns.run("nft", "list", "table", "inet", NftBackend.table(port)))
                    .as("the owner's table is untouched")
                    .isEqualTo(before);
            netns.run("kill", "-TERM", Long.toString(owner.pid()));
            assertThat(owner.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            owner.destroyForcibly();
        }
        assertThat(netns.run("nft", "list", "tables")).doesNotContain("paqet4j_" + port);
        try (FirewallRules rules =
                FirewallRules.install(port, Role.SERVER, commands, netfilter.opener(), FirewallRules.Preference.AUTO)) {
            assertThat(nftRules())
                    .as("the port is free again once its owner exited")
                    .hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void signalledProcessRemovesItsRulesBeforeExiting(String signal) throws Exception {
        Process holder = startHolder();
        try {
            assertThat(nftRules()).hasSize(3);
            netns.run("kill", "-" + signal, Long.toString(holder.pid()));
            assertThat(holder.waitFor(20, TimeUnit.SECONDS))
                    .as("exits after SIG%s", signal)
                    .isTrue();
        } finally {
            holder.destroyForcibly();
        }
        assertThat(netns.run("nft", "list", "tables")).doesNotContain("paqet4j_" + port);
    }

    @Test
    void describeListsTheIptablesCommandsForBothFamilies() {
        assertThat(FirewallRules.describe(9999, Role.SERVER))
                .containsExactly(
                        "iptables -t raw -I PREROUTING -p tcp --dport 9999 -m comment --comment paqet4j:9999 -j NOTRACK",
                        "iptables -t raw -I OUTPUT -p tcp --sport 9999 -m comment --comment paqet4j:9999 -j NOTRACK",
                        "iptables -t mangle -I OUTPUT -p tcp --sport 9999 --tcp-flags RST RST -m comment --comment "
                                + "paqet4j:9999 -j DROP",
                        "ip6tables -t raw -I PREROUTING -p tcp --dport 9999 -m comment --comment paqet4j:9999 -j NOTRACK",
                        "ip6tables -t raw -I OUTPUT -p tcp --sport 9999 -m comment --comment paqet4j:9999 -j NOTRACK",
                        "ip6tables -t mangle -I OUTPUT -p tcp --sport 9999 --tcp-flags RST RST -m comment --comment "
                                + "paqet4j:9999 -j DROP");
        assertThatThrownBy(() -> FirewallRules.install(0, Role.SERVER)).hasMessageContaining("got 0");
    }

    @Test
    void withoutAWorkingToolTheErrorListsTheCommandsToRunByHand() {
        // A namespace that does not exist: every nft and iptables call fails, as on a host without them.
        Commands broken = Commands.inNamespace(netns.name() + "-missing");
        NetlinkBackend.SocketOpener noNfTables = () -> {
            throw new NetlinkException("socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER) failed", 93);
        };
        assertThatThrownBy(() ->
                        FirewallRules.install(port, Role.CLIENT, broken, noNfTables, FirewallRules.Preference.AUTO))
                .isInstanceOf(FirewallException.class)
                .hasMessageStartingWith("cannot install firewall rules for client local port " + port + ":\n"
                        + "  nf_tables (netlink): nf_tables over netlink: socket(AF_NETLINK, SOCK_RAW, "
                        + "NETLINK_NETFILTER) failed: the kernel has no nfnetlink (CONFIG_NETFILTER_NETLINK)\n"
                        + "  nftables: nft list tables exited ")
                .hasMessageContaining("network.firewall: off")
                .hasMessageContaining("ip6tables -t mangle -I OUTPUT -p tcp --sport " + port);
    }

    @Test
    void withoutCapNetAdminTheKernelsRefusalIsExplainedWithTheRulesToAddByHand() throws Exception {
        // root, but CAP_NET_ADMIN dropped from the bounding set: every backend is refused by the kernel
        List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--bounding-set=-net_admin"));
        command.addAll(ChildJvm.command(FirewallHolder.class, Integer.toString(port), "SERVER"));
        Process holder = new ProcessBuilder(netns.exec(command.toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        boolean exited;
        try {
            exited = holder.waitFor(30, TimeUnit.SECONDS);
        } finally {
            holder.destroyForcibly();
        }
        assertThat(exited).as("the holder gives up; output:\n%s", output.get()).isTrue();
        assertThat(output.get())
                .contains("cannot install firewall rules for server port " + port + ":\n"
                        + "  nf_tables (netlink): nf_tables over netlink: list nf_tables tables: Operation not "
                        + "permitted (errno 1): this process lacks CAP_NET_ADMIN")
                .contains(
                        "network.firewall: off",
                        "iptables -t raw -I PREROUTING -p tcp --dport " + port,
                        "tcp sport " + port + " tcp flags & rst == rst counter drop");
        assertThat(netns.run("nft", "list", "tables")).doesNotContain("paqet4j_" + port);
    }

    @Test
    void otherPortsAreLeftAlone() throws Exception {
        int other = port + 1;
        try (FirewallRules first = FirewallRules.install(
                        other, Role.SERVER, commands, netfilter.opener(), FirewallRules.Preference.NFT);
                FirewallRules second = FirewallRules.install(
                        port, Role.SERVER, commands, netfilter.opener(), FirewallRules.Preference.NFT)) {
            second.close();
            assertThat(netns.run("nft", "list", "tables"))
                    .contains("paqet4j_" + other)
                    .doesNotContain("paqet4j_" + port + "\n");
        }
    }

    /** Starts {@link FirewallHolder} inside the namespace and waits until its rules are in. */
    private Process startHolder() throws IOException {
        Process holder = new ProcessBuilder(
                        netns.exec(ChildJvm.command(FirewallHolder.class, Integer.toString(port), "SERVER")
                                .toArray(String[]::new)))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith("installed ")) {
                return holder;
            }
        }
        holder.destroyForcibly();
        throw new IOException("firewall holder exited without installing rules:\n" + seen);
    }

    private List<String> nftRules() throws FirewallException {
        return new NftBackend(commands).list(port);
    }

    private List<String> tagged(String tool, String table) throws Exception {
        return netns.run(tool, "-t", table, "-S")
                .lines()
                .filter(l -> l.contains("paqet4j:" + port))
                .toList();
    }
}
