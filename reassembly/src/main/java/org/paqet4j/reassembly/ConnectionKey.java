package org.paqet4j.reassembly;

import java.util.Arrays;

/**
 * The unordered pair of endpoints: both directions of a connection map to the same key.
 *
 * <p>The hash is computed once and mixed: the plain record hash of two addresses and ports
 * collides heavily for the sequential addresses and ports of real traffic (and of a flood), which
 * turned map lookups into long equality scans. It is symmetric, so a sharded front end can use
 * {@link #flowHash()} to send both directions to the same shard.
 */
final class ConnectionKey {

    private final Endpoint low;
    private final Endpoint high;
    private final int hash;

    private ConnectionKey(Endpoint low, Endpoint high) {
        this.low = low;
        this.high = high;
        this.hash = mix(mix(low.hashCode()) * 31 + mix(high.hashCode()));
    }

    static ConnectionKey of(Endpoint a, Endpoint b) {
        return compare(a, b) <= 0 ? new ConnectionKey(a, b) : new ConnectionKey(b, a);
    }

    Endpoint low() {
        return low;
    }

    Endpoint high() {
        return high;
    }

    /** The same for both directions of a connection, well spread over all 32 bits. */
    int flowHash() {
        return hash;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof ConnectionKey k && hash == k.hash && low.equals(k.low) && high.equals(k.high));
    }

    @Override
    public String toString() {
        return low + " " + high;
    }

    /** A total order that is cheap in the common case: addresses by hash first (an IPv4 address's hash is the address). */
    private static int compare(Endpoint a, Endpoint b) {
        int byHash = Integer.compare(a.address().hashCode(), b.address().hashCode());
        if (byHash != 0) {
            return byHash;
        }
        if (!a.address().equals(b.address())) {
            return Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
        }
        return Integer.compare(a.port(), b.port());
    }

    /** murmur3's 32-bit finalizer. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        return h ^ (h >>> 16);
    }
}
