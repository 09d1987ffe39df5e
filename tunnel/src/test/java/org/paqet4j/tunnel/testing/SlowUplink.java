package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A slow uplink in front of a socket: writes go into a queue of {@code capacity} bytes (a KCP send
 * window) that one virtual thread drains at {@code bytesPerSecond}; writers block while it is full.
 * A saturated writer keeps the queue full, so whatever is written next waits capacity / rate.
 */
public final class SlowUplink extends OutputStream {

    private static final long TICK_MILLIS = 10;

    private final OutputStream link;
    private final byte[] ring;
    private final int bytesPerTick;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private int head;
    private int size;
    private volatile boolean closed;

    public SlowUplink(OutputStream link, int capacity, int bytesPerSecond) {
        this.link = link;
        this.ring = new byte[capacity];
        this.bytesPerTick = (int) Math.max(1, bytesPerSecond * TICK_MILLIS / 1000);
        Thread.ofVirtual().name("slow-uplink").start(this::pump);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (len > 0) {
                while (size == ring.length && !closed) {
                    notFull.await();
                }
                if (closed) {
                    throw new IOException("slow uplink is closed");
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(b, off, ring, tail, n);
                size += n;
                off += n;
                len -= n;
                notEmpty.signal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted writing to the slow uplink");
        } finally {
            lock.unlock();
        }
    }

    private void pump() {
        byte[] chunk = new byte[bytesPerTick];
        try {
            while (true) {
                int n;
                lock.lock();
                try {
                    while (size == 0 && !closed) {
                        notEmpty.await();
                    }
                    if (closed) {
                        return;
                    }
                    n = Math.min(bytesPerTick, Math.min(size, ring.length - head));
                    System.arraycopy(ring, head, chunk, 0, n);
                    head = (head + n) % ring.length;
                    size -= n;
                    notFull.signalAll();
                } finally {
                    lock.unlock();
                }
                link.write(chunk, 0, n);
                link.flush();
                Thread.sleep(TICK_MILLIS);
            }
        } catch (IOException | InterruptedException e) {
            close();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
