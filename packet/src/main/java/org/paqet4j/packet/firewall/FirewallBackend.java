package org.paqet4j.packet.firewall;

import java.util.List;
import java.util.Optional;
import org.paqet4j.packet.sys.CommandException;
import org.paqet4j.packet.sys.Commands;

/**
 * One way of installing the rules for a port: a dedicated nftables table (over netlink, or with
 * the {@code nft} binary), or tagged iptables rules.
 */
sealed interface FirewallBackend permits NetlinkBackend, NftBackend, IptablesBackend {

    /** "nf_tables (netlink)", "nftables" or "iptables", for logs. */
    String name();

    /**
     * Empty when the backend works here (can read the ruleset: tool installed, permitted, kernel
     * support); otherwise one line saying what is missing.
     */
    Optional<String> problem() throws FirewallException;

    /** Installs the rules for {@code port}; on failure nothing of them is left behind. */
    void install(int port) throws FirewallException;

    /** Removes every rule tagged with {@code port}; returns how many rules or tables went. */
    int remove(int port) throws FirewallException;

    /** The rules tagged with {@code port} as the tool lists them (empty when none). */
    List<String> list(int port) throws FirewallException;

    /** As {@link #check(Commands, List, String)} with nothing on standard input. */
    static String check(Commands commands, List<String> command) throws FirewallException {
        return check(commands, command, null);
    }

    /** Runs a firewall tool; a non-zero exit becomes a FirewallException with its exit code and stderr. */
    static String check(Commands commands, List<String> command, String input) throws FirewallException {
        try {
            return commands.check(command, input);
        } catch (CommandException e) {
            throw new FirewallException(e.getMessage(), e);
        }
    }

    /** Runs a firewall tool and returns how it ended; only a timeout or an interrupt throws. */
    static Commands.Result run(Commands commands, List<String> command) throws FirewallException {
        try {
            return commands.run(command, null);
        } catch (CommandException e) {
            throw new FirewallException(e.getMessage(), e);
        }
    }
}
