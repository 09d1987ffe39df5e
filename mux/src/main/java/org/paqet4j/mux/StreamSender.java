package org.paqet4j.mux;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a {@link MuxStream}: splits writes into PSH frames, waits for the peer's window (v2) and sends
 * FIN after the data. Concurrent writers are serialised so the frames of one write stay contiguous and FIN follows
 * the data. It shares its stream's lock for its flags and window; methods named {@code ...Locked} expect it held.
 */
final class StreamSender {
    private final MuxStream stream;
    private final MuxSession session;
    private final int frameSize;
    private final boolean v2;
    private final ReentrantLock lock;
    private final Condition writable;
    /** Serialises writers so frames of one write are contiguous and FIN follows the data. */
    private final ReentrantLock writeMutex = new ReentrantLock();

    // Guarded by lock.
    private boolean writeClosed;
    private boolean finSent;
    private boolean closed;
    private boolean sessionClosed;
    private int peerConsumed;
    private int peerWindow = MuxStream.INITIAL_PEER_WINDOW;
    // Written by the one writer holding writeMutex, read by the receive loop when checking UPD.
    private volatile int numWritten;

    StreamSender(MuxStream stream, MuxSession session, ReentrantLock lock) {
        this.stream = stream;
        this.session = session;
        this.frameSize = session.config().maxFrameSize();
        this.v2 = session.version() == 2;
        this.lock = lock;
        this.writable = lock.newCondition();
    }

    int frameSize() {
        return frameSize;
    }

    /** Sends {@code b[off, off+len)}, as one frame if {@code message}, otherwise split to the window and frame size. */
    void send(byte[] b, int off, int len, boolean message, long deadline) throws IOException {
        Deadlines.lock(writeMutex, deadline, () -> stream + " write");
        try {
            while (len > 0) {
                int allowed = awaitWindow(len, message, deadline);
                while (allowed > 0) {
                    int n = Math.min(allowed, frameSize);
                    // Counted before the frame leaves so a fast UPD never exceeds what we count as sent.
                    numWritten += n;
                    try {
                        session.writer().write(Command.PSH, stream.id(), b, off, n, deadline);
                    } catch (IOException e) {
                        // Not sent (timeout, interrupt) or the session is gone: keep the window accounting exact.
                        numWritten -= n;
                        throw e;
                    }
                    off += n;
                    len -= n;
                    allowed -= n;
                }
            }
        } finally {
            writeMutex.unlock();
        }
    }

    /** How many of {@code len} bytes may go now; waits for the peer's window in v2. */
    private int awaitWindow(int len, boolean message, long deadline) throws IOException {
        boolean stalled = false;
        lock.lock();
        try {
            while (true) {
                if (closed || writeClosed) {
                    throw new MuxClosedException(
                            stream + " write failed, " + (closed ? "stream closed" : "write side closed (FIN sent)"),
                            null);
                }
                if (sessionClosed) {
                    throw session.closedException("write on stream " + Integer.toUnsignedString(stream.id()));
                }
                if (!v2) {
                    return len;
                }
                int inflight = numWritten - peerConsumed;
                long window = Integer.toUnsignedLong(peerWindow) - inflight;
                if (message) {
                    // A message is never split; it may overshoot the window only into an idle pipe.
                    if (window >= len || inflight == 0) {
                        return len;
                    }
                } else if (window > 0) {
                    return (int) Math.min(len, window);
                }
                if (!stalled) {
                    stalled = true;
                    session.windowStalls.increment();
                }
                Deadlines.await(writable, deadline, stream + " write (peer window full)");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the write side for new writes; false when it already was. */
    boolean markWriteClosed() {
        lock.lock();
        try {
            if (writeClosed) {
                return false;
            }
            writeClosed = true;
            writable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends FIN after any write in progress. */
    void sendFin(long deadline) throws IOException {
        Deadlines.lock(writeMutex, deadline, () -> stream + " FIN");
        try {
            session.writer().write(Command.FIN, stream.id(), null, 0, 0, deadline);
        } finally {
            writeMutex.unlock();
        }
    }

    /** v2 UPD; false when the peer claims to have consumed more than was sent. */
    boolean onWindowUpdate(int consumed, int window) {
        lock.lock();
        try {
            if (numWritten - consumed < 0) {
                return false;
            }
            peerConsumed = consumed;
            peerWindow = window;
            writable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void markFinSentLocked() {
        finSent = true;
    }

    boolean finSentLocked() {
        return finSent;
    }

    /** Closes the whole sending side; true when a FIN is still due (none sent, session open). */
    boolean closeLocked() {
        boolean finDue = !writeClosed && !sessionClosed;
        closed = true;
        writeClosed = true;
        writable.signalAll();
        return finDue;
    }

    void onSessionClosedLocked() {
        sessionClosed = true;
        writable.signalAll();
    }
}
