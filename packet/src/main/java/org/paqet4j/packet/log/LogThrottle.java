package org.paqet4j.packet.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line of a kind through per interval and counts the ones it holds back, so that an
 * attacker who can trigger a warning (a flood of bad handshakes, an accept loop at its fd limit)
 * cannot fill the disk or drown the lines that matter. Thread-safe and lock-free; one instance per
 * kind of line.
 *
 * <pre>{@code
 * if (throttle.permit()) {
 *     log.warn("SOCKS5 {}: authentication failed ({} more suppressed)", peer, throttle.takeSuppressed());
 * }
 * }</pre>
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    /** Time before which no line is let through; starts in the past so the first line always passes. */
    private final AtomicLong nextPermitNanos;

    private final AtomicLong suppressed = new AtomicLong();

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** With an explicit clock in nanoseconds (tests). */
    public LogThrottle(Duration interval, LongSupplier nanoClock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("log throttle interval " + interval + " is not positive");
        }
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.nextPermitNanos = new AtomicLong(nanoClock.getAsLong() - 1);
    }

    /** True when this line may be logged; otherwise counts it as suppressed. */
    public boolean permit() {
        long now = nanoClock.getAsLong();
        long next = nextPermitNanos.get();
        if (now - next >= 0 && nextPermitNanos.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    /** Lines held back since the last call; resets the count. */
    public long takeSuppressed() {
        return suppressed.getAndSet(0);
    }
}
