package org.paqet4j.kcp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One token bucket per source IP address for {@link NewSessionRate}. Buckets that have refilled
 * are forgotten at each sweep; when {@link #MAX_ADDRESSES} addresses are tracked, further
 * addresses share one bucket, so spoofed address ranges cannot grow the table without bound.
 * Not thread-safe: used by the listener's receive thread only.
 */
final class NewSessionLimiter {

    static final int MAX_ADDRESSES = 65_536;
    private static final long SWEEP_INTERVAL_MS = 10_000;

    private final NewSessionRate rate;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private final Bucket overflow;
    private long nextSweepMs;

    private static final class Bucket {
        double tokens;
        long updatedMs;

        Bucket(double tokens, long nowMs) {
            this.tokens = tokens;
            this.updatedMs = nowMs;
        }
    }

    NewSessionLimiter(NewSessionRate rate, long nowMs) {
        this.rate = rate;
        this.overflow = new Bucket(rate.burst(), nowMs);
        this.nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
    }

    /** Takes a token for a new session from {@code address}; false when its bucket is empty. */
    boolean tryAcquire(InetAddress address, long nowMs) {
        if (rate.equals(NewSessionRate.UNLIMITED)) {
            return true;
        }
        if (nowMs - nextSweepMs >= 0) {
            sweep(nowMs);
        }
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            if (buckets.size() >= MAX_ADDRESSES) {
                bucket = overflow;
            } else {
                bucket = new Bucket(rate.burst(), nowMs);
                buckets.put(address, bucket);
            }
        }
        refill(bucket, nowMs);
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    private void refill(Bucket bucket, long nowMs) {
        long elapsed = Math.max(0, nowMs - bucket.updatedMs);
        bucket.tokens = Math.min(rate.burst(), bucket.tokens + elapsed * rate.perSecond() / 1000.0);
        bucket.updatedMs = nowMs;
    }

    /** A full bucket is the same as no bucket. */
    private void sweep(long nowMs) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            refill(bucket, nowMs);
            if (bucket.tokens >= rate.burst()) {
                it.remove();
            }
        }
        nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
    }

    NewSessionRate rate() {
        return rate;
    }

    int trackedAddresses() {
        return buckets.size();
    }
}
