package org.paqet4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the demo shows of a child that failed: the reason first, not only the last lines. */
class ChildProcessTest {

    @Test
    void anEarlyFailureShowsItsFirstLineAndNotOnlyTheTail() {
        List<String> log = new ArrayList<>(List.of(
                "23:01:02.003 INFO  paqet4j 0.1 server starting",
                "paqet run: cannot install firewall rules for server port 9999:",
                "  nf_tables (netlink): nf_tables over netlink: ...: this process lacks CAP_NET_ADMIN",
                "  nftables: nft list tables exited 127: cannot start nft: No such file or directory",
                "add them yourself and set network.firewall: off:"));
        for (int i = 0; i < 12; i++) {
            log.add("  iptables -t raw -I PREROUTING -p tcp --dport 9999 ... " + i);
        }
        List<String> shown = ChildProcess.excerpt(log);
        assertThat(shown.getFirst()).isEqualTo("paqet run: cannot install firewall rules for server port 9999:");
        assertThat(shown)
                .contains(
                        "  nf_tables (netlink): nf_tables over netlink: ...: this process lacks CAP_NET_ADMIN",
                        "...",
                        "  iptables -t raw -I PREROUTING -p tcp --dport 9999 ... 11");
        assertThat(shown).hasSizeLessThanOrEqualTo(16);
    }

    @Test
    void aShortLogIsShownWhole() {
        List<String> log = List.of("one", "two", "three");
        assertThat(ChildProcess.excerpt(log)).containsExactly("one", "two", "three");
        assertThat(ChildProcess.excerpt(List.of())).isEmpty();
    }

    @Test
    void theFirstErrorLineStartsTheExcerpt() {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            log.add(i == 20 ? "23:01:02.003 ERROR kcp: handshake failed" : "line " + i);
        }
        assertThat(ChildProcess.excerpt(log))
                .startsWith("23:01:02.003 ERROR kcp: handshake failed", "line 21")
                .endsWith("line 29");
    }
}
