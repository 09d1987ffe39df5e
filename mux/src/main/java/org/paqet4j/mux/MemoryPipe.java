package org.paqet4j.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-way in-memory byte pipe with a fixed capacity: writers block while it is full (backpressure),
 * readers block while it is empty. After {@link #close()} readers get what is left, then -1, and writers
 * fail. For tests, benchmarks and embedding: {@link #pair(int)} gives two connected {@link MuxTransport}s.
 */
public final class MemoryPipe {
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;
    private int size;
    private boolean closed;

    public MemoryPipe(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("memory pipe capacity must be positive, got " + capacity);
        }
        ring = new byte[capacity];
    }

    /** Two transports joined by two pipes; closing either end closes both pipes, like a socket. */
    public static MuxTransport[] pair(int capacity) {
        MemoryPipe ab = new MemoryPipe(capacity);
        MemoryPipe ba = new MemoryPipe(capacity);
        return new MuxTransport[] {
            new MuxTransport(ba.in(), ab.out(), () -> {
                ab.close();
                ba.close();
            }),
            new MuxTransport(ab.in(), ba.out(), () -> {
                ab.close();
                ba.close();
            })
        };
    }

    /** Wakes every blocked reader and writer; idempotent. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reading end; every call returns a view of the same pipe. */
    public InputStream in() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                lock.lock();
                try {
                    while (size == 0 && !closed) {
                        notEmpty.awaitUninterruptibly();
                    }
                    if (size == 0) {
                        return -1;
                    }
                    int n = Math.min(len, size);
                    int first = Math.min(n, ring.length - head);
                    System.arraycopy(ring, head, b, off, first);
                    System.arraycopy(ring, 0, b, off + first, n - first);
                    head = (head + n) % ring.length;
                    size -= n;
                    notFull.signalAll();
                    return n;
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    /** The writing end; every call returns a view of the same pipe. */
    public OutputStream out() {
        return new OutputStream() {
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
                            notFull.awaitUninterruptibly();
                        }
                        if (closed) {
                            throw new IOException("pipe closed");
                        }
                        int n = Math.min(len, ring.length - size);
                        int tail = (head + size) % ring.length;
                        int first = Math.min(n, ring.length - tail);
                        System.arraycopy(b, off, ring, tail, first);
                        System.arraycopy(b, off + first, ring, 0, n - first);
                        size += n;
                        off += n;
                        len -= n;
                        notEmpty.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        };
    }
}
