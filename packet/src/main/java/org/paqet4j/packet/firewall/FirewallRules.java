package org.paqet4j.packet.firewall;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the rules that keep the kernel out of the tunnel's TCP port: no connection tracking in
 * either direction (raw PREROUTING {@code dport}, raw OUTPUT {@code sport}) and no RST leaving the
 * port (mangle OUTPUT). Without them the kernel answers every captured packet with a RST, which
 * NAT boxes and stateful firewalls take as the end of the flow.
 *
 * <p>{@link #install} first removes rules for the same port that a crashed run left behind (found
 * by their tag), then installs with nftables when {@code nft} works, else with iptables/ip6tables.
 * The rules go away on {@link #close()} and, through a JVM shutdown hook, on SIGINT/SIGTERM and
 * normal exit. Only SIGKILL or a power cut leaves them; the next start cleans up.
 */
public final class FirewallRules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallRules.class);

    /** Which backend to use; tests force one, production takes the first that works. */
    enum Preference {
        AUTO, NFT, IPTABLES
    }

    private final int port;
    private final Role role;
    private final FirewallBackend backend;
    private final Thread shutdownHook;
    private boolean removed;

    private FirewallRules(int port, Role role, FirewallBackend backend) {
        this.port = port;
        this.role = role;
        this.backend = backend;
        this.shutdownHook = Thread.ofPlatform().name("paqet4j-firewall-" + port).unstarted(this::removeOnce);
    }

    /** Installs the rules for {@code port} on this host ({@code network.firewall: auto}). */
    public static FirewallRules install(int port, Role role) throws FirewallException {
        return install(port, role, CommandRunner.direct(), Preference.AUTO);
    }

    static FirewallRules install(int port, Role role, CommandRunner runner, Preference preference)
            throws FirewallException {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("firewall rules need a port in 1..65535, got " + port);
        }
        List<FirewallBackend> available = new ArrayList<>();
        for (FirewallBackend candidate : List.of(new NftBackend(runner), new IptablesBackend(runner))) {
            if (candidate.available()) {
                available.add(candidate);
            }
        }
        if (available.isEmpty()) {
            throw new FirewallException("cannot install firewall rules for " + role.describe(port)
                    + ": neither nft nor iptables works here (missing, or not root); add them yourself and set "
                    + "network.firewall: off:\n  " + String.join("\n  ", describe(port, role)));
        }
        for (FirewallBackend backend : available) {
            int stale = backend.remove(port);
            if (stale > 0) {
                LOG.warn("removed {} stale {} {} for {} left behind by an earlier run", stale, backend.name(),
                        backend instanceof NftBackend ? "table(s)" : "rule(s)", role.describe(port));
            }
        }
        FirewallBackend chosen = available.stream()
                .filter(b -> switch (preference) {
                    case AUTO -> true;
                    case NFT -> b instanceof NftBackend;
                    case IPTABLES -> b instanceof IptablesBackend;
                })
                .findFirst()
                .orElseThrow(() -> new FirewallException("firewall backend " + preference + " is not available here"));
        chosen.install(port);
        FirewallRules rules = new FirewallRules(port, role, chosen);
        try {
            Runtime.getRuntime().addShutdownHook(rules.shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            rules.removeOnce();
            throw new FirewallException("the JVM is shutting down; firewall rules for " + role.describe(port)
                    + " were removed again");
        }
        LOG.info("installed {} rules for {}: no connection tracking, no RST from the kernel", chosen.name(),
                role.describe(port));
        return rules;
    }

    /**
     * The commands a user must run when {@code network.firewall: off}: the iptables form for both
     * families, tagged like the automatic rules so they are easy to find and delete.
     */
    public static List<String> describe(int port, Role role) {
        List<String> commands = new ArrayList<>();
        for (String tool : IptablesBackend.TOOLS) {
            for (List<String> rule : IptablesBackend.rules(port)) {
                commands.add(tool + " " + String.join(" ", rule));
            }
        }
        return List.copyOf(commands);
    }

    public int port() {
        return port;
    }

    public Role role() {
        return role;
    }

    /** "nftables" or "iptables". */
    public String backend() {
        return backend.name();
    }

    /** Removes the rules; safe to call more than once and from any thread. */
    @Override
    public void close() {
        removeOnce();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran; removeOnce made sure the work happens once
        }
    }

    /** Shared by close() and the shutdown hook; synchronized so a racing hook waits until the rules are gone. */
    private synchronized void removeOnce() {
        if (removed) {
            return;
        }
        removed = true;
        try {
            backend.remove(port);
            LOG.info("removed {} rules for {}", backend.name(), role.describe(port));
        } catch (FirewallException e) {
            LOG.error("could not remove {} rules for {} (they will be removed at the next start): {}",
                    backend.name(), role.describe(port), e.getMessage());
        }
    }
}
