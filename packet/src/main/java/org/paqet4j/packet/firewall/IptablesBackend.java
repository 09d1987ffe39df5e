package org.paqet4j.packet.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.packet.sys.Commands;

/**
 * iptables and ip6tables (legacy or nft flavour, whichever the binaries are): three rules per
 * family, each tagged {@code -m comment --comment paqet4j:<port>} and inserted first in its chain
 * so an earlier ACCEPT cannot shadow them. Removal lists the tables and deletes what carries the
 * tag, so it also finds rules a crashed run left behind.
 */
final class IptablesBackend implements FirewallBackend {

    static final List<String> TOOLS = List.of("iptables", "ip6tables");

    private final Commands commands;

    IptablesBackend(Commands commands) {
        this.commands = commands;
    }

    static String tag(int port) {
        return "paqet4j:" + port;
    }

    /** The rule specifications, each {@code -t TABLE -I CHAIN ...}, the same for both families. */
    static List<List<String>> rules(int port) {
        String p = Integer.toString(port);
        List<String> comment = List.of("-m", "comment", "--comment", tag(port));
        return List.of(
                concat(
                        List.of("-t", "raw", "-I", "PREROUTING", "-p", "tcp", "--dport", p),
                        comment,
                        List.of("-j", "NOTRACK")),
                concat(
                        List.of("-t", "raw", "-I", "OUTPUT", "-p", "tcp", "--sport", p),
                        comment,
                        List.of("-j", "NOTRACK")),
                concat(
                        List.of("-t", "mangle", "-I", "OUTPUT", "-p", "tcp", "--sport", p, "--tcp-flags", "RST", "RST"),
                        comment,
                        List.of("-j", "DROP")));
    }

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public Optional<String> problem() throws FirewallException {
        Commands.Result result = FirewallBackend.run(commands, List.of("iptables", "-t", "raw", "-S"));
        return result.ok()
                ? Optional.empty()
                : Optional.of("iptables -t raw -S exited " + result.exitCode()
                        + (result.excerpt().isEmpty()
                                ? ""
                                : ": " + result.excerpt().lines().findFirst().orElse("")));
    }

    /** ip6tables is optional: a host without IPv6 netfilter still gets its IPv4 rules. */
    private List<String> usableTools() throws FirewallException {
        List<String> tools = new ArrayList<>();
        for (String tool : TOOLS) {
            if (FirewallBackend.run(commands, List.of(tool, "-t", "raw", "-S")).ok()) {
                tools.add(tool);
            }
        }
        return tools;
    }

    @Override
    public void install(int port) throws FirewallException {
        try {
            for (String tool : usableTools()) {
                for (List<String> rule : rules(port)) {
                    FirewallBackend.check(commands, concat(List.of(tool, "-w"), rule));
                }
            }
        } catch (FirewallException e) {
            remove(port);
            throw e;
        }
    }

    @Override
    public int remove(int port) throws FirewallException {
        int removed = 0;
        for (String tool : usableTools()) {
            for (String table : List.of("raw", "mangle")) {
                for (String rule : tagged(tool, table, port)) {
                    // "-A CHAIN spec..." as printed by -S; the same spec with -D deletes it.
                    List<String> words = new ArrayList<>(List.of(rule.split("\\s+")));
                    words.replaceAll(word -> word.length() > 1 && word.startsWith("\"") && word.endsWith("\"")
                            ? word.substring(1, word.length() - 1)
                            : word);
                    words.set(0, "-D");
                    FirewallBackend.check(commands, concat(List.of(tool, "-w", "-t", table), words));
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public List<String> list(int port) throws FirewallException {
        List<String> rules = new ArrayList<>();
        for (String tool : usableTools()) {
            for (String table : List.of("raw", "mangle")) {
                for (String rule : tagged(tool, table, port)) {
                    rules.add(tool + " -t " + table + " " + rule);
                }
            }
        }
        return rules;
    }

    private List<String> tagged(String tool, String table, int port) throws FirewallException {
        String tag = tag(port);
        return FirewallBackend.check(commands, List.of(tool, "-w", "-t", table, "-S"))
                .lines()
                .filter(line -> line.startsWith("-A "))
                .filter(line -> List.of(line.split("\\s+")).stream()
                        .anyMatch(word -> word.equals(tag) || word.equals("\"" + tag + "\"")))
                .toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
