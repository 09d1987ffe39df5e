package org.paqet4j.mux;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What streams may still buffer of received data, over the whole session: {@code smuxbuf} bytes and a number of
 * frames. The receive loop takes from it for each buffered PSH frame and pauses while either is exhausted; readers
 * give back what they read or drop. This is the only thing that bounds a session's receive memory, v1 included.
 */
final class ReceiveBudget {
    /** Heap a buffered frame may cost per payload byte before the frame count, not the bytes, is the limit. */
    static final int BYTES_PER_BUFFERED_FRAME = 64;

    private static final int MIN_FRAME_BUDGET = 1024;

    private final long capacity;
    /** {@code capacity} minus the bytes buffered in streams. */
    private final AtomicLong bytes;
    /**
     * How many more PSH frames streams may buffer: each is an object of its own, so a peer sending 1-byte frames
     * would otherwise park dozens of heap bytes per smuxbuf byte.
     */
    private final AtomicLong frames;
    /** The receive loop while it waits in {@link #awaitAvailable(long)}: the only thread that ever waits here. */
    private volatile Thread waiter;

    private volatile boolean closed;

    ReceiveBudget(long capacity) {
        this.capacity = capacity;
        this.bytes = new AtomicLong(capacity);
        this.frames = new AtomicLong(Math.max(MIN_FRAME_BUDGET, capacity / BYTES_PER_BUFFERED_FRAME));
    }

    /** True while the receive loop may buffer another frame. */
    boolean available() {
        return bytes.get() > 0 && frames.get() > 0;
    }

    /** {@code smuxbuf}: the bytes streams may buffer in all. */
    long capacity() {
        return capacity;
    }

    /** Bytes received and not yet read, over all streams. */
    long buffered() {
        return capacity - bytes.get();
    }

    /** One frame of {@code length} bytes is now buffered in a stream. */
    void take(int length) {
        bytes.addAndGet(-length);
        frames.decrementAndGet();
    }

    /** Gives back what a stream no longer buffers: {@code n} bytes in {@code frameCount} whole frames. */
    void give(long n, int frameCount) {
        if (n <= 0 && frameCount <= 0) {
            return;
        }
        if (n > 0) {
            bytes.addAndGet(n);
        }
        if (frameCount > 0) {
            frames.addAndGet(frameCount);
        }
        // Checked after adding, never decided from the values this caller saw: two streams returning bytes and
        // frames at once could each see the other's budget still empty, and neither would wake the loop.
        Thread w = waiter;
        if (w != null && available()) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Blocks the receive loop until the budget is available again, {@link #close()} was called or {@code maxNanos}
     * passed (the caller looks at its streams again then). The waiter is
     * published before the budget is checked, so a give that the check misses sees the waiter and unparks it.
     */
    void awaitAvailable(long maxNanos) {
        waiter = Thread.currentThread();
        long deadline = System.nanoTime() + maxNanos;
        try {
            for (long left = maxNanos; !available() && !closed && left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiter = null;
        }
    }

    /** Releases a receive loop waiting in {@link #awaitAvailable(long)}, now and for good. */
    void close() {
        closed = true;
        LockSupport.unpark(waiter);
    }
}
