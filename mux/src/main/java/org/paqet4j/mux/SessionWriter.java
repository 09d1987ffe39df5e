package org.paqet4j.mux;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's only way onto its transport. Stream frames (SYN, PSH, FIN) are written by their callers under one
 * short lock, so a slow transport pushes back on the writers and each stream's frames keep their order. Frames the
 * session sends on its own behalf ({@link ControlFrame}) wait in one outbox, drained by one long-lived writer thread
 * and by every caller who holds the lock anyway: asking for one never blocks, and a keepalive tick starts no thread.
 *
 * <p>Whoever holds the lock last flushes, so frames under load leave in batches.
 */
final class SessionWriter {
    private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);
    /** Refusals queued at most; a peer flooding SYNs while not reading gets no more answers than this. */
    static final int MAX_PENDING_REFUSALS = 1024;

    private static final long STOP_JOIN_MILLIS = 2000;
    private static final byte[] EMPTY = new byte[0];
    private static final ControlFrame KEEP_ALIVE = new ControlFrame.KeepAlive();

    private final MuxSession session;
    private final int version;
    private final FrameWriter frames;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedBlockingQueue<ControlFrame> outbox = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingRefusals = new AtomicInteger();
    private final AtomicBoolean keepAlivePending = new AtomicBoolean();
    private final Thread drainer;

    SessionWriter(MuxSession session, OutputStream out, MuxConfig config) {
        this.session = session;
        this.version = config.version();
        this.frames = new FrameWriter(out, config.maxFrameSize());
        this.drainer = Thread.ofVirtual().name(session.label() + "-send").unstarted(this::drainLoop);
    }

    void start() {
        drainer.start();
    }

    /**
     * Writes one stream frame, then whatever control frames are queued. A transport failure closes the session and
     * is rethrown as {@link MuxClosedException}.
     */
    void write(Command cmd, int sid, byte[] b, int off, int len, long deadline) throws IOException {
        if (session.isClosed()) {
            throw session.closedException("write " + cmd);
        }
        Deadlines.lock(
                lock,
                deadline,
                () -> session.label() + " write " + cmd + " on stream " + Integer.toUnsignedString(sid));
        try {
            if (session.isClosed()) {
                throw session.closedException("write " + cmd);
            }
            try {
                frames.write(version, cmd, sid, b == null ? EMPTY : b, off, len);
                writeQueued(true);
                // Whoever waits for the lock flushes after its own frame: frames under load go out in batches.
                if (!lock.hasQueuedThreads()) {
                    frames.flush();
                }
            } catch (IOException e) {
                session.fail(e);
                throw session.closedException("write " + cmd);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a v2 window update for {@code s} unless one is queued already (that one will carry the newest count).
     * It goes out after the current writer's frame or from the writer thread, whichever comes first.
     */
    void requestWindowUpdate(MuxStream s) {
        if (!session.isClosed() && s.markWindowUpdatePending()) {
            outbox.add(new ControlFrame.WindowUpdate(s));
        }
    }

    /** Queues a FIN refusing stream {@code sid}; false (nothing queued) once {@value #MAX_PENDING_REFUSALS} wait. */
    boolean refuse(int sid) {
        if (pendingRefusals.incrementAndGet() > MAX_PENDING_REFUSALS) {
            pendingRefusals.decrementAndGet();
            return false;
        }
        outbox.add(new ControlFrame.Refusal(sid));
        return true;
    }

    /**
     * Queues the FIN of a stream the receive loop reset. Never dropped: each stream is reset at most once, so the
     * queue is bounded by {@code maxStreams}.
     */
    void reset(int sid) {
        if (!session.isClosed()) {
            outbox.add(new ControlFrame.Reset(sid));
        }
    }

    /** Queues a keepalive NOP, unless frames are being written anyway or one is queued already. */
    void keepAlive() {
        if (!lock.isLocked() && keepAlivePending.compareAndSet(false, true)) {
            outbox.add(KEEP_ALIVE);
        }
    }

    /** Ends the writer thread once the session is closed (its transport closed, so no write can block). */
    void stop() {
        outbox.clear();
        if (Thread.currentThread() == drainer) {
            return;
        }
        drainer.interrupt();
        if (!drainer.isAlive()) {
            return;
        }
        try {
            if (!drainer.join(Duration.ofMillis(STOP_JOIN_MILLIS))) {
                log.warn(
                        "{}: writer thread still running {} ms after the transport was closed",
                        session.label(),
                        STOP_JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainLoop() {
        try {
            while (!session.isClosed()) {
                ControlFrame first = outbox.take();
                lock.lockInterruptibly();
                try {
                    if (session.isClosed()) {
                        return;
                    }
                    writeControl(first, false);
                    writeQueued(false);
                    frames.flush();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // stop(): the session is closed.
        } catch (IOException e) {
            session.fail(e);
        }
    }

    /** With the lock held: writes every queued control frame. */
    private void writeQueued(boolean afterData) throws IOException {
        for (ControlFrame f; (f = outbox.poll()) != null; ) {
            writeControl(f, afterData);
        }
    }

    /** With the lock held; a keepalive right after a stream frame is dropped, that frame did its job. */
    private void writeControl(ControlFrame f, boolean afterStreamFrame) throws IOException {
        switch (f) {
            case ControlFrame.WindowUpdate(MuxStream s) -> {
                byte[] p = s.takeWindowUpdate();
                frames.write(version, Command.UPD, s.id(), p, 0, p.length);
            }
            case ControlFrame.Refusal(int sid) -> {
                pendingRefusals.decrementAndGet();
                frames.write(version, Command.FIN, sid, EMPTY, 0, 0);
            }
            case ControlFrame.Reset(int sid) -> frames.write(version, Command.FIN, sid, EMPTY, 0, 0);
            case ControlFrame.KeepAlive() -> {
                keepAlivePending.set(false);
                if (!afterStreamFrame) {
                    frames.write(version, Command.NOP, 0, EMPTY, 0, 0);
                }
            }
        }
    }
}
