package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.paqet4j.mux.MemoryPipe;

/**
 * A slow uplink in front of a socket: writes go into a queue of {@code capacity} bytes (a KCP send
 * window) that one virtual thread drains at {@code bytesPerSecond}; writers block while it is full.
 * A saturated writer keeps the queue full, so whatever is written next waits capacity / rate.
 */
public final class SlowUplink extends OutputStream {

    private static final long TICK_MILLIS = 10;

    private final OutputStream link;
    private final int bytesPerTick;
    private final MemoryPipe queue;
    private final OutputStream queueIn;
    private volatile boolean closed;

    public SlowUplink(OutputStream link, int capacity, int bytesPerSecond) {
        this.link = link;
        this.queue = new MemoryPipe(capacity);
        this.queueIn = queue.out();
        this.bytesPerTick = (int) Math.max(1, bytesPerSecond * TICK_MILLIS / 1000);
        Thread.ofVirtual().name("slow-uplink").start(this::pump);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("slow uplink is closed");
        }
        try {
            queueIn.write(b, off, len);
        } catch (IOException e) {
            throw new IOException("slow uplink is closed", e);
        }
    }

    private void pump() {
        byte[] chunk = new byte[bytesPerTick];
        InputStream queueOut = queue.in();
        try {
            int n;
            // A closed uplink drops what is still queued, like a link that went down.
            while ((n = queueOut.read(chunk, 0, bytesPerTick)) > 0 && !closed) {
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
        closed = true;
        queue.close();
    }
}
