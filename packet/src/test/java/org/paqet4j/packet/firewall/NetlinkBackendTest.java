package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.route.NetlinkException;
import org.paqet4j.packet.route.NetlinkSocket;
import org.paqet4j.packet.route.Netns;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * The netlink backend against the real kernel and the real {@code nft}, each in namespaces of its
 * own: what it installs must read back, through {@code nft}, exactly like what {@code nft -f}
 * installs from {@link NftBackend#script}, and its parser must print what {@code nft --debug=netlink}
 * prints.
 */
@NetnsTest
class NetlinkBackendTest {

    private Netns netns;
    private NetfilterNamespace netfilter;
    private int port;

    @BeforeEach
    void createNamespace() throws Exception {
        netns = Netns.create("fwnl");
        netfilter = new NetfilterNamespace(netns);
        port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        try {
            netfilter.close();
        } finally {
            netns.close();
        }
    }

    @Test
    void installsWhatTheNftScriptInstallsAndRemovesItOnClose() throws Exception {
        String expected;
        try (Netns other = Netns.create("fwnl")) {
            other.run("sh", "-c", "printf '%s' '" + NftBackend.script(port) + "' | nft -f -");
            expected = other.run("nft", "list", "table", "inet", NftBackend.table(port));
        }
        try (FirewallRules rules = install(FirewallRules.Preference.NETLINK)) {
            assertThat(rules.backend()).isEqualTo("nf_tables (netlink)");
            String listed = netns.run("nft", "list", "table", "inet", NftBackend.table(port));
            assertThat(listed)
                    .contains("comment \"paqet4j server port " + port + ", pid "
                            + ProcessHandle.current().pid() + "\"");
            assertThat(withoutComment(listed).strip()).isEqualTo(expected.strip());
        }
        assertThat(netns.run("nft", "list", "tables")).doesNotContain(NftBackend.table(port));
    }

    @Test
    void parserPrintsWhatNftDebugPrints() throws Exception {
        try (FirewallRules rules = install(FirewallRules.Preference.NETLINK);
                NetlinkSocket socket = netfilter.opener().open()) {
            String nft = netns.run("nft", "--debug=netlink", "list", "table", "inet", NftBackend.table(port));
            List<NftRule> read = NetlinkBackend.rules(socket, NftBackend.table(port));
            assertThat(read).hasSize(3);
            String ours = read.stream().map(r -> r.debug("inet")).collect(Collectors.joining("\n\n"));
            assertThat(nft).startsWith(ours);
            // and what was read back is what was written, but for the handles the kernel assigned
            assertThat(read)
                    .extracting(NftRule::expressions)
                    .isEqualTo(NetlinkBackend.rules(port).stream()
                            .map(NftRule::expressions)
                            .toList());
            assertThat(NetlinkBackend.chains(socket, NftBackend.table(port)))
                    .containsExactly(
                            new NftChain(NftBackend.table(port), "prerouting", "filter", 0, -300),
                            new NftChain(NftBackend.table(port), "output", "filter", 3, -300),
                            new NftChain(NftBackend.table(port), "drop_rst", "filter", 3, -150));
        }
    }

    @Test
    void readingSomeoneElsesTableWithUnknownExpressionsDoesNotThrow() throws Exception {
        netns.run("sh", "-c", """
                nft -f - <<'EOF'
                table inet p4jother {
                    set allowed { type ipv4_addr; elements = { 198.18.0.9 } }
                    chain other { }
                    chain input {
                        type filter hook input priority 0; policy accept;
                        ct state established,related accept
                        ip saddr @allowed counter accept
                        meta mark set 0x2a
                        tcp dport { 22, 80 } limit rate 5/second log prefix "x " jump other
                        ip6 nexthdr icmpv6 reject
                        tcp flags syn tcp option maxseg size set 1200
                        udp dport 53 notrack
                        return
                    }
                }
                EOF""");
        try (NetlinkSocket socket = netfilter.opener().open()) {
            List<NftRule> rules = NetlinkBackend.rules(socket, "p4jother");
            assertThat(rules).hasSize(8);
            assertThat(rules)
                    .flatExtracting(NftRule::expressions)
                    .hasAtLeastOneElementOfType(NftExpression.Other.class)
                    .hasAtLeastOneElementOfType(NftExpression.Notrack.class)
                    .hasAtLeastOneElementOfType(NftExpression.Counter.class);
            assertThat(rules.get(2).expressions())
                    .as("meta set is not a meta load")
                    .hasAtLeastOneElementOfType(NftExpression.Other.class);
            assertThat(NetlinkBackend.find(socket, "p4jother")).isPresent();
            assertThat(NetlinkBackend.find(socket, "p4jnothere")).isEmpty();
        }
    }

    @Test
    void autoPrefersNetlinkAndCleansUpStaleTablesOfEveryBackend() throws Exception {
        Commands commands = Commands.inNamespace(netns.name());
        // a crashed run of the nft-binary era left its table behind
        new NftBackend(commands).install(port);
        try (FirewallRules rules = install(FirewallRules.Preference.AUTO)) {
            assertThat(rules.backend()).isEqualTo("nf_tables (netlink)");
            assertThat(netns.run("nft", "list", "table", "inet", NftBackend.table(port)))
                    .contains("comment");
            assertThat(new NetlinkBackend(netfilter.opener(), "").list(port)).hasSize(3);
        }
        assertThat(new NetlinkBackend(netfilter.opener(), "").list(port)).isEmpty();
    }

    @Test
    void withoutPermissionTheErrorNamesTheCapabilityAndTheRulesToAddByHand() {
        NetlinkBackend.SocketOpener refused = () -> {
            throw new NetlinkException(
                    "socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER) failed: Operation not " + "permitted (errno 1)",
                    1);
        };
        Commands broken = Commands.inNamespace(netns.name() + "-missing");
        assertThatThrownBy(
                        () -> FirewallRules.install(port, Role.SERVER, broken, refused, FirewallRules.Preference.AUTO))
                .isInstanceOf(FirewallException.class)
                .hasMessageContaining("cannot install firewall rules for server port " + port)
                .hasMessageContaining("nf_tables (netlink): nf_tables over netlink: socket(AF_NETLINK")
                .hasMessageContaining("lacks CAP_NET_ADMIN")
                .hasMessageContaining("network.firewall: off")
                .hasMessageContaining("iptables -t raw -I PREROUTING -p tcp --dport " + port)
                .hasMessageContaining("tcp sport " + port + " tcp flags & rst == rst counter drop");
    }

    private FirewallRules install(FirewallRules.Preference preference) throws FirewallException {
        return FirewallRules.install(
                port, Role.SERVER, Commands.inNamespace(netns.name()), netfilter.opener(), preference);
    }

    private static String withoutComment(String listed) {
        return listed.lines()
                .filter(line -> !line.strip().startsWith("comment "))
                .collect(Collectors.joining("\n"));
    }
}
