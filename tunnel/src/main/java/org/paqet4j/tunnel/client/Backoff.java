package org.paqet4j.tunnel.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with ±25 % jitter, so slots that broke together do not retry together. */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt, after one more failure. */
    Duration next() {
        long base = initialNanos << Math.min(failures, 20);
        if (base <= 0 || base > maxNanos) {
            base = maxNanos;
        }
        failures++;
        long jitter = (long) (base * 0.25 * (2 * random.nextDouble() - 1));
        return Duration.ofNanos(base + jitter);
    }

    /** The first delay after a session that worked dies: a random part of the initial delay. */
    Duration afterLoss() {
        failures = 0;
        return Duration.ofNanos((long) (initialNanos * random.nextDouble()));
    }

    void reset() {
        failures = 0;
    }
}
