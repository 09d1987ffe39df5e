package org.paqet4j.reassembly.pcap;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reassembles IPv4 and IPv6 fragments into whole packets, bounded by {@link FragmentLimits}.
 *
 * <p>Overlaps are treated as Linux treats them (RFC 5722 for IPv6, the same rule for IPv4 since
 * Linux 4.19): a fragment lying wholly inside data already received is a duplicate and ignored;
 * any other overlap discards the whole datagram, so overlapping fragments can never choose which
 * bytes a reader sees. Later fragments with the same identification start a new datagram.
 * Single-threaded; time is packet time.
 */
final class IpDefragmenter {

    /** What one datagram in progress costs beyond its bytes (key, maps, entries), counted in the budget. */
    static final int DATAGRAM_OVERHEAD = 512;
    /** What one buffered fragment costs beyond its bytes. */
    static final int FRAGMENT_OVERHEAD = 96;

    private static final int MAX_PAYLOAD = 65_535;

    private final FragmentLimits limits;
    /** Insertion order: the first entry is the oldest datagram (timeout and eviction take it first). */
    private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();

    private long memoryUsed;
    private long reassembled;
    private long dropped;

    IpDefragmenter(FragmentLimits limits) {
        this.limits = limits;
    }

    /** Identifies a datagram: addresses, identification and (IPv4) protocol. */
    private record Key(byte[] addresses, long id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && id == k.id && Arrays.equals(addresses, k.addresses);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(addresses) * 31 + Long.hashCode(id);
        }
    }

    private static final class Datagram {
        final long firstNanos;
        /** offset → payload bytes, non-overlapping. */
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        /** The first fragment's headers (everything before its fragment payload), once it arrived. */
        byte[] headers;

        int total = -1;
        long cost = DATAGRAM_OVERHEAD;

        Datagram(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    long reassembled() {
        return reassembled;
    }

    long dropped() {
        return dropped;
    }

    long memoryUsed() {
        return memoryUsed;
    }

    /**
     * One fragment: {@code headers} are the bytes that precede its payload in the rebuilt packet
     * (used from the fragment at offset 0), {@code payload} its data at {@code offset}, {@code
     * more} the more-fragments flag. Returns the headers and the whole payload once every fragment
     * is there, else null.
     */
    byte[][] fragment(byte[] addresses, long id, byte[] headers, int offset, byte[] payload, boolean more, long nanos) {
        expire(nanos);
        int end = offset + payload.length;
        if (end > MAX_PAYLOAD || (more && payload.length % 8 != 0) || (payload.length == 0 && more)) {
            // larger than any datagram, or a non-final fragment not a multiple of 8 bytes: malformed
            dropped++;
            return null;
        }
        Key key = new Key(addresses, id);
        Datagram d = datagrams.get(key);
        if (d == null) {
            d = new Datagram(nanos);
            datagrams.put(key, d);
            memoryUsed += d.cost;
        }
        if (!more) {
            if (d.total >= 0 && d.total != end || lastFragmentEnd(d) > end) {
                discard(key, d); // two different ends, or data past the end
                return null;
            }
            d.total = end;
        } else if (d.total >= 0 && end > d.total) {
            discard(key, d);
            return null;
        }
        switch (overlap(d, offset, end)) {
            case DUPLICATE -> {
                return null;
            }
            case OVERLAP -> {
                discard(key, d);
                return null;
            }
            case NONE -> {}
        }
        if (d.fragments.size() >= limits.maxFragments()) {
            discard(key, d);
            return null;
        }
        if (payload.length > 0) {
            d.fragments.put(offset, payload);
        }
        if (offset == 0) {
            d.headers = headers;
        }
        long added = payload.length + FRAGMENT_OVERHEAD + (offset == 0 ? headers.length : 0);
        d.cost += added;
        memoryUsed += added;
        if (complete(d)) {
            datagrams.remove(key);
            memoryUsed -= d.cost;
            reassembled++;
            byte[] whole = new byte[d.total];
            for (Map.Entry<Integer, byte[]> f : d.fragments.entrySet()) {
                System.arraycopy(f.getValue(), 0, whole, f.getKey(), f.getValue().length);
            }
            return new byte[][] {d.headers, whole};
        }
        enforceBudget();
        return null;
    }

    private enum Overlap {
        NONE,
        DUPLICATE,
        OVERLAP
    }

    /** NONE, DUPLICATE when [offset, end) lies inside contiguous data already held, OVERLAP otherwise. */
    private static Overlap overlap(Datagram d, int offset, int end) {
        Map.Entry<Integer, byte[]> before = d.fragments.floorEntry(offset);
        boolean touches = before != null && before.getKey() + before.getValue().length > offset;
        if (!touches) {
            Integer next = d.fragments.ceilingKey(offset);
            if (next == null || next >= end) {
                return Overlap.NONE;
            }
            return Overlap.OVERLAP; // starts in a hole and runs into held data
        }
        // covered from offset on: walk the contiguous run
        int covered = before.getKey() + before.getValue().length;
        while (covered < end) {
            byte[] next = d.fragments.get(covered);
            if (next == null) {
                return Overlap.OVERLAP;
            }
            covered += next.length;
        }
        return Overlap.DUPLICATE;
    }

    private static int lastFragmentEnd(Datagram d) {
        Map.Entry<Integer, byte[]> last = d.fragments.lastEntry();
        return last == null ? 0 : last.getKey() + last.getValue().length;
    }

    private static boolean complete(Datagram d) {
        if (d.total < 0 || d.headers == null) {
            return false;
        }
        int covered = 0;
        for (Map.Entry<Integer, byte[]> f : d.fragments.entrySet()) {
            if (f.getKey() != covered) {
                return false;
            }
            covered += f.getValue().length;
        }
        return covered == d.total;
    }

    private void expire(long nanos) {
        Iterator<Map.Entry<Key, Datagram>> oldest = datagrams.entrySet().iterator();
        while (oldest.hasNext()) {
            Datagram d = oldest.next().getValue();
            if (nanos - d.firstNanos < limits.timeoutNanos()) {
                return;
            }
            oldest.remove();
            memoryUsed -= d.cost;
            dropped++;
        }
    }

    private void enforceBudget() {
        Iterator<Map.Entry<Key, Datagram>> oldest = datagrams.entrySet().iterator();
        while (memoryUsed > limits.memoryBudget() && oldest.hasNext()) {
            Datagram d = oldest.next().getValue();
            oldest.remove();
            memoryUsed -= d.cost;
            dropped++;
        }
    }

    private void discard(Key key, Datagram d) {
        datagrams.remove(key);
        memoryUsed -= d.cost;
        dropped++;
    }
}
