package org.paqet4j.mux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/** Absolute deadlines in {@link System#nanoTime()} terms, and blocking waits that honour them. */
final class Deadlines {
    static final long NONE = Long.MIN_VALUE;

    private Deadlines() {}

    static long toNanos(Duration d) {
        if (d == null || d.isZero()) {
            return 0;
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + d);
        }
        return d.toNanos();
    }

    /** A deadline {@code timeoutNanos} from now, or {@link #NONE} for 0. */
    static long after(long timeoutNanos) {
        return timeoutNanos == 0 ? NONE : System.nanoTime() + timeoutNanos;
    }

    /** Takes {@code lock} before the deadline; {@code what} is only evaluated for an error message. */
    static void lock(Lock lock, long deadline, Supplier<String> what) throws IOException {
        try {
            if (deadline == NONE) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException(what.get() + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what.get() + " interrupted");
        }
    }

    /** Waits once on {@code c} (whose lock the caller holds); the caller re-checks its condition. */
    static void await(Condition c, long deadline, String what) throws IOException {
        try {
            if (deadline == NONE) {
                c.await();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException(what + " timed out");
                }
                c.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }
}
