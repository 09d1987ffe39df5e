package org.paqet4j.tunnel.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.paqet4j.packet.memory.MemoryBudget;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes both ways between a TCP socket and a tunnel stream with half-close: socket EOF
 * becomes a stream FIN ({@link TunnelStream#closeWrite}), stream EOF becomes
 * {@link Socket#shutdownOutput}. Returns when both directions ended; an error in either direction
 * closes both, so neither copier is left blocked.
 *
 * <p>smux has no reset, so a peer that closed completely looks like one that half-closed. Once one
 * direction has ended, the other is therefore given {@link #HALF_CLOSED_IDLE} without a single
 * byte before both are closed — a long download after the request's FIN keeps going, a
 * connection whose other side is gone does not linger for ever (paqet instead closes both at the
 * first EOF, which breaks half-close).
 */
public final class TcpRelay {

    private static final Logger log = LoggerFactory.getLogger(TcpRelay.class);
    /**
     * Each direction starts with a small buffer, so a thousand idle connections hold 4 MiB of
     * buffers instead of 32; a direction whose read fills it is moving bulk data and switches to
     * {@link #BUFFER_SIZE} for the rest of the connection (fewer, larger frames and syscalls).
     */
    private static final int INITIAL_BUFFER_SIZE = 2 * 1024;

    private static final int BUFFER_SIZE = 16 * 1024;
    public static final Duration HALF_CLOSED_IDLE = Duration.ofSeconds(60);

    private TcpRelay() {}

    /** Runs the relay; the caller still owns (and closes) both ends. */
    public static void run(Socket socket, TunnelStream stream, String label) {
        run(socket, stream, label, HALF_CLOSED_IDLE);
    }

    static void run(Socket socket, TunnelStream stream, String label, Duration halfClosedIdle) {
        MemoryBudget memory = stream.memory();
        AtomicLong up = new AtomicLong();
        AtomicLong down = new AtomicLong();
        CountDownLatch firstDone = new CountDownLatch(1);
        Thread upstream = Thread.ofVirtual().name("relay-up-" + stream.id()).start(() -> {
            try {
                copy(socket.getInputStream(), stream.outputStream(), up, memory);
                stream.closeWrite();
            } catch (IOException e) {
                log.debug("{}: socket -> stream {} ended: {}", label, stream.id(), e.toString());
                abort(socket, stream);
            } finally {
                firstDone.countDown();
            }
        });
        Thread downstream = Thread.ofVirtual().name("relay-down-" + stream.id()).start(() -> {
            try {
                copy(stream.inputStream(), socket.getOutputStream(), down, memory);
                socket.shutdownOutput();
            } catch (IOException e) {
                log.debug("{}: stream {} -> socket ended: {}", label, stream.id(), e.toString());
                abort(socket, stream);
            } finally {
                firstDone.countDown();
            }
        });
        try {
            firstDone.await();
            boolean upstreamRunning = upstream.isAlive();
            Thread remaining = upstreamRunning ? upstream : downstream;
            AtomicLong progress = upstreamRunning ? up : down;
            long seen = progress.get();
            while (!remaining.join(halfClosedIdle)) {
                long now = progress.get();
                if (now == seen) {
                    log.debug("{}: half-closed and idle for {}, closing", label, halfClosedIdle);
                    abort(socket, stream);
                    break;
                }
                seen = now;
            }
            upstream.join();
            downstream.join();
        } catch (InterruptedException e) {
            abort(socket, stream);
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies until EOF. The bytes between a read and the end of its write count against {@code memory}: a write
     * blocked on a slow socket or a closed window holds them. Counted, never refused: the window that let them in
     * was granted already, and the layers below stop granting while the budget is exhausted.
     */
    private static void copy(InputStream in, OutputStream out, AtomicLong moved, MemoryBudget memory)
            throws IOException {
        byte[] buffer = new byte[INITIAL_BUFFER_SIZE];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            memory.acquire(n);
            try {
                out.write(buffer, 0, n);
                out.flush();
            } finally {
                memory.release(n);
            }
            moved.addAndGet(n);
            if (n == buffer.length && buffer.length < BUFFER_SIZE) {
                buffer = new byte[BUFFER_SIZE];
            }
        }
    }

    private static void abort(Socket socket, TunnelStream stream) {
        stream.close();
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", socket, e.toString());
        }
    }
}
