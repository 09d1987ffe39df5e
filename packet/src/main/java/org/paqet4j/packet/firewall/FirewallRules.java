package org.paqet4j.packet.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.packet.sys.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the rules that keep the kernel out of the tunnel's TCP port: no connection tracking in
 * either direction (raw PREROUTING {@code dport}, raw OUTPUT {@code sport}) and no RST leaving the
 * port (mangle OUTPUT). Without them the kernel answers every captured packet with a RST, which
 * NAT boxes and stateful firewalls take as the end of the flow.
 *
 * <p>{@link #install} first takes the port's {@link RawPortLock}: a live paqet4j process on the
 * same port makes it fail with that process's PID instead of taking over its rules. Holding the
 * lock, any rules for the port are a crashed run's and are removed (found by table name or tag in
 * every backend that works). Then the rules go in with the first backend that works: nf_tables
 * over netlink (no binary needed), else the {@code nft} binary, else iptables/ip6tables. They go
 * away on {@link #close()} and, through a JVM shutdown hook, on SIGINT/SIGTERM and normal exit.
 * Only SIGKILL or a power cut leaves them; the next start cleans up.
 */
public final class FirewallRules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallRules.class);

    /** Which backend to use; tests force one, production takes the first that works. */
    enum Preference {
        AUTO,
        NETLINK,
        NFT,
        IPTABLES
    }

    private final int port;
    private final Role role;
    private final FirewallBackend backend;
    private final RawPortLock lock;
    private final Thread shutdownHook;
    private boolean removed;

    private FirewallRules(int port, Role role, FirewallBackend backend, RawPortLock lock) {
        this.port = port;
        this.role = role;
        this.backend = backend;
        this.lock = lock;
        this.shutdownHook = Thread.ofPlatform().name("paqet4j-firewall-" + port).unstarted(this::removeOnce);
    }

    /** Installs the rules for {@code port} on this host ({@code network.firewall: auto}). */
    public static FirewallRules install(int port, Role role) throws FirewallException {
        return install(port, role, Commands.onHost(), NetlinkBackend.direct(), Preference.AUTO);
    }

    static FirewallRules install(
            int port, Role role, Commands commands, NetlinkBackend.SocketOpener netlink, Preference preference)
            throws FirewallException {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("firewall rules need a port in 1..65535, got " + port);
        }
        RawPortLock lock = RawPortLock.acquire(port, role);
        try {
            FirewallRules rules = installLocked(port, role, commands, netlink, preference, lock);
            LOG.info(
                    "installed firewall rules for {} with {}: no connection tracking, no RST from the kernel",
                    role.describe(port),
                    rules.backend());
            return rules;
        } catch (FirewallException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static FirewallRules installLocked(
            int port,
            Role role,
            Commands commands,
            NetlinkBackend.SocketOpener netlink,
            Preference preference,
            RawPortLock lock)
            throws FirewallException {
        String comment = "paqet4j " + role.describe(port) + ", pid "
                + ProcessHandle.current().pid();
        List<FirewallBackend> candidates =
                List.of(new NetlinkBackend(netlink, comment), new NftBackend(commands), new IptablesBackend(commands));
        List<FirewallBackend> available = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (FirewallBackend candidate : candidates) {
            Optional<String> problem = candidate.problem();
            if (problem.isEmpty()) {
                available.add(candidate);
            } else {
                problems.add(candidate.name() + ": " + problem.get());
            }
        }
        for (FirewallBackend backend : available) {
            int stale = backend.remove(port);
            if (stale > 0) {
                LOG.warn(
                        "removed {} stale {} {} for {} left behind by an earlier run",
                        stale,
                        backend.name(),
                        backend instanceof IptablesBackend ? "rule(s)" : "table(s)",
                        role.describe(port));
            }
        }
        List<FirewallBackend> chosen = available.stream()
                .filter(b -> switch (preference) {
                    case AUTO -> true;
                    case NETLINK -> b instanceof NetlinkBackend;
                    case NFT -> b instanceof NftBackend;
                    case IPTABLES -> b instanceof IptablesBackend;
                })
                .toList();
        for (FirewallBackend backend : chosen) {
            try {
                backend.install(port);
            } catch (FirewallException e) {
                problems.add(backend.name() + ": " + e.getMessage());
                LOG.warn(
                        "could not install firewall rules for {} with {}: {}",
                        role.describe(port),
                        backend.name(),
                        e.getMessage());
                continue;
            }
            FirewallRules rules = new FirewallRules(port, role, backend, lock);
            try {
                Runtime.getRuntime().addShutdownHook(rules.shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                rules.removeOnce();
                throw new FirewallException(
                        "the JVM is shutting down; firewall rules for " + role.describe(port) + " were removed again");
            }
            return rules;
        }
        throw new FirewallException("cannot install firewall rules for " + role.describe(port) + ":\n  "
                + String.join("\n  ", problems) + "\nadd them yourself and set network.firewall: off:\n  "
                + String.join("\n  ", describe(port, role)) + "\nor, with nftables, as one script (nft -f):\n"
                + NftBackend.script(port).stripTrailing());
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

    /** "nf_tables (netlink)", "nftables" or "iptables". */
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
            LOG.error(
                    "could not remove {} rules for {} (they will be removed at the next start): {}",
                    backend.name(),
                    role.describe(port),
                    e.getMessage());
        } finally {
            lock.close(); // only now may another process treat leftovers as stale
        }
    }
}
