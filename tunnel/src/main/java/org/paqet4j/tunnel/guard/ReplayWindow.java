package org.paqet4j.tunnel.guard;

import java.util.Arrays;

/**
 * The counters of one sender seen so far, as in IPsec and WireGuard (RFC 6479): the highest
 * counter and a bitmap of the {@link #SIZE} counters below it. A counter is accepted once; one
 * older than the bitmap reaches is refused, since it can no longer be told apart from a replay.
 * Not thread-safe: used by the carrier's receive thread only.
 */
final class ReplayWindow {

    /** Counters of reordering tolerated: about 100 ms of a sender at 80 000 datagrams per second. */
    static final int SIZE = 8192;

    private static final int MASK = SIZE - 1;

    private final long[] bits = new long[SIZE / 64];
    private long highest;
    private long lastSeenMillis;

    ReplayWindow(long nowMillis) {
        this.lastSeenMillis = nowMillis;
    }

    /** Marks {@code counter} as seen; false when it was seen before or is too old to tell. */
    boolean accept(long counter, long nowMillis) {
        if (counter <= 0) {
            return false;
        }
        if (counter > highest) {
            long ahead = counter - highest;
            if (ahead >= SIZE) {
                Arrays.fill(bits, 0L);
            } else {
                for (long c = highest + 1; c < counter; c++) {
                    clear(c);
                }
            }
            highest = counter;
            set(counter);
            lastSeenMillis = nowMillis;
            return true;
        }
        if (highest - counter >= SIZE || isSet(counter)) {
            return false;
        }
        set(counter);
        lastSeenMillis = nowMillis;
        return true;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    private boolean isSet(long counter) {
        int i = (int) (counter & MASK);
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long counter) {
        int i = (int) (counter & MASK);
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long counter) {
        int i = (int) (counter & MASK);
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
