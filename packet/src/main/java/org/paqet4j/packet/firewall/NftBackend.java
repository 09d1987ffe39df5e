package org.paqet4j.packet.firewall;

import java.util.List;
import java.util.Optional;
import org.paqet4j.packet.sys.Commands;

/**
 * nftables through the {@code nft} binary: one table per port, {@code inet paqet4j_<port>}, covering IPv4 and IPv6 at once. It is
 * created atomically from one script and removed with a single {@code delete table}.
 */
final class NftBackend implements FirewallBackend {

    private final Commands commands;

    NftBackend(Commands commands) {
        this.commands = commands;
    }

    static String table(int port) {
        return "paqet4j_" + port;
    }

    /** The script that creates the table: no conntrack for the port, no RST out of it. */
    static String script(int port) {
        return """
                table inet %1$s {
                    chain prerouting {
                        type filter hook prerouting priority raw; policy accept;
                        tcp dport %2$d counter notrack
                    }
                    chain output {
                        type filter hook output priority raw; policy accept;
                        tcp sport %2$d counter notrack
                    }
                    chain drop_rst {
                        type filter hook output priority mangle; policy accept;
                        tcp sport %2$d tcp flags & rst == rst counter drop
                    }
                }
                """.formatted(table(port), port);
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public Optional<String> problem() throws FirewallException {
        Commands.Result result = FirewallBackend.run(commands, List.of("nft", "list", "tables"));
        return result.ok()
                ? Optional.empty()
                : Optional.of("nft list tables exited " + result.exitCode()
                        + (result.excerpt().isEmpty()
                                ? ""
                                : ": " + result.excerpt().lines().findFirst().orElse("")));
    }

    @Override
    public void install(int port) throws FirewallException {
        FirewallBackend.check(commands, List.of("nft", "-f", "-"), script(port));
    }

    @Override
    public int remove(int port) throws FirewallException {
        if (list(port).isEmpty()) {
            return 0;
        }
        FirewallBackend.check(commands, List.of("nft", "delete", "table", "inet", table(port)));
        return 1;
    }

    @Override
    public List<String> list(int port) throws FirewallException {
        boolean exists = FirewallBackend.check(commands, List.of("nft", "list", "tables"))
                .lines()
                .anyMatch(line -> line.strip().equals("table inet " + table(port)));
        if (!exists) {
            return List.of();
        }
        return FirewallBackend.check(commands, List.of("nft", "list", "table", "inet", table(port)))
                .lines()
                .map(String::strip)
                .filter(line -> line.startsWith("tcp "))
                .toList();
    }
}
