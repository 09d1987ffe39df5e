package org.paqet4j.grpcws;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides whether one more WebSocket may open: a cap on all connections, a cap per client address
 * and a per-address budget of upgrade requests per minute. Both per-address maps only hold
 * addresses that are connected or were seen within the last minute — entries are dropped when
 * their count reaches zero or their window expires — so a scan from many addresses cannot grow
 * them without bound.
 */
final class Admission {

    /** Why an upgrade was refused (each answered with HTTP 429). */
    enum Verdict {
        ADMITTED,
        RATE_LIMITED,
        TOO_MANY_CONNECTIONS,
        TOO_MANY_FROM_ADDRESS
    }

    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final BridgeLimits limits;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Integer> openPerAddress = new HashMap<>();
    private final Map<InetAddress, Window> upgradesPerAddress = new HashMap<>();
    private int open;
    private long lastPruneNanos;

    private static final class Window {
        final long startNanos;
        int count;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    Admission(BridgeLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.lastPruneNanos = nanoClock.getAsLong();
    }

    /** Counts the attempt against the address's rate and, when admitted, takes a connection slot. */
    synchronized Verdict tryAdmit(InetAddress address) {
        long now = nanoClock.getAsLong();
        if (now - lastPruneNanos >= WINDOW_NANOS) {
            prune(now);
        }
        Window window = upgradesPerAddress.get(address);
        if (window == null || now - window.startNanos >= WINDOW_NANOS) {
            window = new Window(now);
            upgradesPerAddress.put(address, window);
        }
        if (++window.count > limits.upgradesPerIpPerMinute()) {
            return Verdict.RATE_LIMITED;
        }
        if (open >= limits.maxConnections()) {
            return Verdict.TOO_MANY_CONNECTIONS;
        }
        int fromAddress = openPerAddress.getOrDefault(address, 0);
        if (fromAddress >= limits.maxConnectionsPerIp()) {
            return Verdict.TOO_MANY_FROM_ADDRESS;
        }
        openPerAddress.put(address, fromAddress + 1);
        open++;
        return Verdict.ADMITTED;
    }

    /** Gives back the slot an admitted connection held. */
    synchronized void release(InetAddress address) {
        Integer fromAddress = openPerAddress.get(address);
        if (fromAddress == null) {
            throw new IllegalStateException("release of " + address + " which holds no connection slot");
        }
        if (fromAddress == 1) {
            openPerAddress.remove(address);
        } else {
            openPerAddress.put(address, fromAddress - 1);
        }
        open--;
    }

    /** Drops rate windows that have expired. */
    synchronized void prune() {
        prune(nanoClock.getAsLong());
    }

    private void prune(long now) {
        lastPruneNanos = now;
        upgradesPerAddress.values().removeIf(w -> now - w.startNanos >= WINDOW_NANOS);
    }

    synchronized int open() {
        return open;
    }

    /** Addresses held in either map (tests check this shrinks back). */
    synchronized int trackedAddresses() {
        return openPerAddress.size() + upgradesPerAddress.size();
    }
}
