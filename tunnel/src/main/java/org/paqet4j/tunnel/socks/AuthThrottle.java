package org.paqet4j.tunnel.socks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows password guessing per source address: after the n-th failed authentication in a row an
 * address must wait {@code base × 2^(n-1)} (at most {@code cap}) before its next attempt is even
 * checked; attempts inside that wait are refused unchecked, so opening many connections in
 * parallel buys no extra guesses. A success forgets the address. The table holds at most
 * {@code maxAddresses}; entries whose wait ended more than {@code cap} ago are pruned, and when it
 * is still full the entry that failed longest ago gives way.
 */
final class AuthThrottle {

    static final Duration DEFAULT_BASE = Duration.ofMillis(250);
    static final Duration DEFAULT_CAP = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_ADDRESSES = 4096;

    private record Failures(int count, long lastNanos, long retryAtNanos) {}

    private final long baseNanos;
    private final long capNanos;
    private final int maxAddresses;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Failures> failures = new HashMap<>();

    AuthThrottle() {
        this(DEFAULT_BASE, DEFAULT_CAP, DEFAULT_MAX_ADDRESSES, System::nanoTime);
    }

    AuthThrottle(Duration base, Duration cap, int maxAddresses, LongSupplier nanoClock) {
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.maxAddresses = maxAddresses;
        this.nanoClock = nanoClock;
    }

    /** How long {@code source} must still wait before an attempt of its is checked; zero when it may try now. */
    synchronized Duration waitFor(InetAddress source) {
        Failures f = failures.get(source);
        long left = f == null ? 0 : f.retryAtNanos() - nanoClock.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Records a failed attempt; returns the wait imposed on the next one. */
    synchronized Duration failed(InetAddress source) {
        long now = nanoClock.getAsLong();
        Failures previous = failures.get(source);
        if (previous == null && failures.size() >= maxAddresses) {
            makeRoom(now);
        }
        int count = previous == null ? 1 : previous.count() + 1;
        long delay = baseNanos << Math.min(count - 1, 30);
        if (delay <= 0 || delay > capNanos) {
            delay = capNanos;
        }
        failures.put(source, new Failures(count, now, now + delay));
        return Duration.ofNanos(delay);
    }

    /** The right credentials: the address starts afresh. */
    synchronized void succeeded(InetAddress source) {
        failures.remove(source);
    }

    synchronized int size() {
        return failures.size();
    }

    private void makeRoom(long now) {
        failures.values().removeIf(f -> now - f.retryAtNanos() > capNanos);
        if (failures.size() < maxAddresses) {
            return;
        }
        InetAddress oldest = null;
        long oldestNanos = Long.MAX_VALUE;
        for (Map.Entry<InetAddress, Failures> e : failures.entrySet()) {
            if (oldest == null || e.getValue().lastNanos() - oldestNanos < 0) {
                oldest = e.getKey();
                oldestNanos = e.getValue().lastNanos();
            }
        }
        failures.remove(oldest);
    }
}
