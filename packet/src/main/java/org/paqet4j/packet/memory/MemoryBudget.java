package org.paqet4j.packet.memory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Received bytes buffered by the whole process and not yet handed on: KCP receive queues, smux stream buffers and
 * relay buffers count against one limit ({@code limits.memory}). Made once by whoever starts the tunnel and passed
 * down; every layer that holds received bytes acquires them here and releases them exactly once when they leave it
 * (read, written, or dropped on close).
 *
 * <p>Counting is one atomic add; nothing here takes a lock. The layers react to a full budget by closing windows,
 * never by dropping data: KCP advertises a smaller receive window and smux pauses its receive loop, see their
 * READMEs. {@link #used()} may therefore pass {@link #limit()} by what peers already had in flight.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    /** Threads parked in {@link #awaitRelease}: woken by the next release, so a release costs one read when empty. */
    private final Queue<Thread> waiters = new ConcurrentLinkedQueue<>();

    private final AtomicInteger waiting = new AtomicInteger();

    private MemoryBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("memory limit must be positive, got " + limit + " bytes");
        }
        this.limit = limit;
    }

    /** A budget of {@code limit} bytes. */
    public static MemoryBudget of(long limit) {
        return new MemoryBudget(limit);
    }

    /** A budget that counts but never closes a window: for tests and embedders that bound memory otherwise. */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    /** Bytes counted now. */
    public long used() {
        return used.get();
    }

    /** The most ever counted at once. */
    public long peak() {
        return peak.get();
    }

    /** Bytes left before the limit, never negative. */
    public long free() {
        return Math.max(0, limit - used.get());
    }

    /** True while nothing is left. */
    public boolean exhausted() {
        return used.get() >= limit;
    }

    public boolean isUnlimited() {
        return limit == Long.MAX_VALUE;
    }

    /**
     * Counts {@code n} bytes that are already held (they arrived within a window granted earlier), even past the
     * limit: refusing them would drop data.
     */
    public void acquire(long n) {
        long now = used.addAndGet(n);
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
    }

    /** Counts {@code n} bytes only if they fit under the limit; false (and nothing counted) otherwise. */
    public boolean tryAcquire(long n) {
        long current;
        do {
            current = used.get();
            if (current + n > limit) {
                return false;
            }
        } while (!used.compareAndSet(current, current + n));
        if (current + n > peak.get()) {
            peak.accumulateAndGet(current + n, Math::max);
        }
        return true;
    }

    /** Gives back {@code n} bytes acquired earlier and wakes whoever waits for room. */
    public void release(long n) {
        long now = used.addAndGet(-n);
        if (now < 0) {
            // An accounting bug, not an input problem: every release must match an acquire.
            throw new IllegalStateException(
                    "memory budget released " + n + " bytes more than was acquired (now " + now + ")");
        }
        if (waiting.get() > 0) {
            wakeAll();
        }
    }

    /**
     * Parks the calling thread until {@code ready} holds, checking it again after each release; returns after at
     * most {@code maxNanos} (or when unparked) so callers can look at their own state too. The waiter is published
     * before {@code ready} is checked, so a release between the check and the park is not missed.
     */
    public void awaitRelease(BooleanSupplier ready, long maxNanos) {
        Thread self = Thread.currentThread();
        waiters.add(self);
        waiting.incrementAndGet();
        try {
            if (!ready.getAsBoolean()) {
                LockSupport.parkNanos(this, maxNanos);
            }
        } finally {
            waiting.decrementAndGet();
            waiters.remove(self);
        }
    }

    private void wakeAll() {
        for (Thread t : waiters) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String toString() {
        return "memory budget " + used() + "/" + (isUnlimited() ? "unlimited" : Long.toString(limit)) + " bytes";
    }
}
