package org.paqet4j.mux;

/**
 * A stream's received PSH payloads in arrival order: each a pooled buffer and the length it holds (a buffer is
 * usually longer than its payload). Two parallel rings instead of one holder object per frame, so buffering a
 * frame allocates nothing. Not thread-safe: {@link MuxStream} guards it with its lock.
 */
final class ReceivedChunks {
    private byte[][] buffers = new byte[4][];
    private int[] lengths = new int[4];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void add(byte[] buffer, int length) {
        if (size == buffers.length) {
            grow();
        }
        int at = (head + size) & (buffers.length - 1);
        buffers[at] = buffer;
        lengths[at] = length;
        size++;
    }

    byte[] firstBuffer() {
        return buffers[head];
    }

    int firstLength() {
        return lengths[head];
    }

    /** Removes the first chunk and returns its buffer (for the pool). */
    byte[] removeFirst() {
        byte[] b = buffers[head];
        buffers[head] = null;
        head = (head + 1) & (buffers.length - 1);
        size--;
        return b;
    }

    /** Bytes held, without the first chunk's {@code consumed} bytes. */
    long bytes(int consumed) {
        long sum = -consumed;
        for (int i = 0; i < size; i++) {
            sum += lengths[(head + i) & (buffers.length - 1)];
        }
        return sum;
    }

    private void grow() {
        int n = buffers.length;
        byte[][] b = new byte[n * 2][];
        int[] l = new int[n * 2];
        for (int i = 0; i < size; i++) {
            b[i] = buffers[(head + i) & (n - 1)];
            l[i] = lengths[(head + i) & (n - 1)];
        }
        buffers = b;
        lengths = l;
        head = 0;
    }
}
