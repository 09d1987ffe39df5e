package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.paqet4j.packet.memory.MemoryBudget;
import org.paqet4j.tunnel.session.TunnelStream;

/**
 * One end of an in-memory stream pair with mux semantics: messages keep their boundaries,
 * bounded queues give backpressure, closeWrite is a FIN, close makes the peer's writes fail.
 */
public final class MemoryStream implements TunnelStream {

    private static final byte[] FIN = new byte[0];

    private final int id;
    private final BlockingQueue<byte[]> incoming;
    private final BlockingQueue<byte[]> outgoing;
    private MemoryStream peer;
    private volatile boolean closed;
    private volatile boolean writeClosed;
    private volatile long readTimeoutNanos;
    private byte[] current;
    private int position;
    private boolean eof;
    private final MemoryBudget memory = MemoryBudget.unlimited();

    private MemoryStream(int id, BlockingQueue<byte[]> incoming, BlockingQueue<byte[]> outgoing) {
        this.id = id;
        this.incoming = incoming;
        this.outgoing = outgoing;
    }

    public static MemoryStream[] pair(int id) {
        BlockingQueue<byte[]> ab = new ArrayBlockingQueue<>(256);
        BlockingQueue<byte[]> ba = new ArrayBlockingQueue<>(256);
        MemoryStream a = new MemoryStream(id, ba, ab);
        MemoryStream b = new MemoryStream(id, ab, ba);
        a.peer = b;
        b.peer = a;
        return new MemoryStream[] {a, b};
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public MemoryBudget memory() {
        return memory;
    }

    private void send(byte[] message) throws IOException {
        if (closed || writeClosed) {
            throw new IOException("stream " + id + " is closed for writing");
        }
        try {
            while (!outgoing.offer(message, 10, TimeUnit.MILLISECONDS)) {
                if (peer.closed || closed) {
                    throw new IOException("stream " + id + ": peer closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Next chunk, or null at EOF. */
    private byte[] next() throws IOException {
        if (eof) {
            return null;
        }
        try {
            long timeout = readTimeoutNanos;
            byte[] chunk;
            if (timeout > 0) {
                chunk = incoming.poll(timeout, TimeUnit.NANOSECONDS);
                if (chunk == null) {
                    throw new SocketTimeoutException("stream " + id + ": read timed out");
                }
            } else {
                chunk = incoming.take();
            }
            if (chunk == FIN) {
                eof = true;
                if (closed) {
                    throw new IOException("stream " + id + " is closed");
                }
                return null;
            }
            return chunk;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (current == null || position == current.length) {
                current = next();
                position = 0;
                if (current == null) {
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            send(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                byte[] copy = new byte[len];
                System.arraycopy(b, off, copy, 0, len);
                send(copy);
            }
        }
    };

    @Override
    public InputStream inputStream() {
        return in;
    }

    @Override
    public OutputStream outputStream() {
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        if (!writeClosed && !closed) {
            send(FIN);
            writeClosed = true;
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeout.toNanos();
    }

    @Override
    public void writeMessage(byte[] b, int off, int len) throws IOException {
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        send(copy);
    }

    @Override
    public int readMessage(byte[] dst, int off) throws IOException {
        byte[] chunk;
        if (current != null && position < current.length) {
            chunk = Arrays.copyOfRange(current, position, current.length);
            current = null;
        } else {
            chunk = next();
            if (chunk == null) {
                return -1;
            }
        }
        if (chunk.length > dst.length - off) {
            throw new IOException("message of " + chunk.length + " bytes does not fit " + (dst.length - off));
        }
        System.arraycopy(chunk, 0, dst, off, chunk.length);
        return chunk.length;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!writeClosed) {
            writeClosed = true;
            // Like smux: what was written is still delivered, then the end of the stream.
            outgoing.offer(FIN);
        }
        incoming.clear();
        incoming.offer(FIN);
    }
}
