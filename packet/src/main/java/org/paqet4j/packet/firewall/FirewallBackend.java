package org.paqet4j.packet.firewall;

/** One way of installing the rules for a port: a dedicated nftables table, or tagged iptables rules. */
sealed interface FirewallBackend permits NftBackend, IptablesBackend {

    /** "nftables" or "iptables", for logs. */
    String name();

    /** Whether the tool runs and can read the ruleset here (installed, permitted, kernel support). */
    boolean available() throws FirewallException;

    /** Installs the rules for {@code port}; on failure nothing of them is left behind. */
    void install(int port) throws FirewallException;

    /** Removes every rule tagged with {@code port}; returns how many rules or tables went. */
    int remove(int port) throws FirewallException;

    /** The rules tagged with {@code port} as the tool lists them (empty when none). */
    java.util.List<String> list(int port) throws FirewallException;
}
