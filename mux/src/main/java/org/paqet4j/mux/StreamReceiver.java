package org.paqet4j.mux;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving half of a {@link MuxStream}: PSH payloads held as they arrived until they are read, the end of the
 * stream, and (v2) the count of read bytes that window updates report to the peer. It shares its stream's lock, so
 * closing the stream changes both halves in one step; methods named {@code ...Locked} expect that lock held.
 */
final class StreamReceiver {
    private final MuxStream stream;
    private final MuxSession session;
    private final boolean v2;
    private final ReentrantLock lock;
    private final Condition readable;

    // Guarded by lock.
    private final ReceivedChunks chunks = new ReceivedChunks();
    private int headOffset;
    private boolean finReceived;
    private boolean closed;
    /** Why the session reset this stream (its backlog in a full {@code smuxbuf}); null unless it did. */
    private String resetReason;

    private boolean sessionClosed;
    private int numRead;
    /** When this stream's reader last took data, or when data began to wait in an empty buffer. */
    private long lastTakenNanos = System.nanoTime();

    private int unacked;
    private boolean updPending;
    /** The window the peer currently uses for this stream: smux's initial guess until our first UPD. */
    private int advertisedWindow = MuxStream.INITIAL_PEER_WINDOW;

    StreamReceiver(MuxStream stream, MuxSession session, ReentrantLock lock) {
        this.stream = stream;
        this.session = session;
        this.v2 = session.version() == 2;
        this.lock = lock;
        this.readable = lock.newCondition();
    }

    /** Reads up to {@code len > 0} bytes; -1 once the peer sent FIN and everything before it was read. */
    int read(byte[] b, int off, int len, long deadline) throws IOException {
        int n = 0;
        int frames = 0;
        boolean announce = false;
        lock.lock();
        try {
            if (!awaitData(deadline)) {
                return -1;
            }
            while (n < len && !chunks.isEmpty()) {
                int headLength = chunks.firstLength();
                int c = Math.min(len - n, headLength - headOffset);
                System.arraycopy(chunks.firstBuffer(), headOffset, b, off + n, c);
                n += c;
                headOffset += c;
                if (headOffset == headLength) {
                    session.payloadPool().give(chunks.removeFirst());
                    headOffset = 0;
                    frames++;
                }
            }
            lastTakenNanos = System.nanoTime();
            if (v2) {
                announce = account(n);
            }
        } finally {
            lock.unlock();
        }
        afterRead(n, frames, announce);
        return n;
    }

    /** Reads exactly one received PSH frame into {@code dst}; -1 at EOF. */
    int readMessage(byte[] dst, int off, long deadline) throws IOException {
        int n;
        boolean announce = false;
        lock.lock();
        try {
            if (!awaitData(deadline)) {
                return -1;
            }
            n = chunks.firstLength() - headOffset;
            if (n > dst.length - off) {
                throw new IOException(stream + ": message of " + n + " bytes does not fit a buffer of "
                        + (dst.length - off) + " bytes");
            }
            System.arraycopy(chunks.firstBuffer(), headOffset, dst, off, n);
            session.payloadPool().give(chunks.removeFirst());
            headOffset = 0;
            lastTakenNanos = System.nanoTime();
            if (v2) {
                announce = account(n);
            }
        } finally {
            lock.unlock();
        }
        afterRead(n, 1, announce);
        return n;
    }

    /** How long data has been waiting while the reader took none; zero while nothing waits. */
    long stalledNanos(long now) {
        lock.lock();
        try {
            return chunks.isEmpty() ? 0 : now - lastTakenNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes received and not yet read. */
    int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, chunks.bytes(headOffset));
        } finally {
            lock.unlock();
        }
    }

    /** Without the lock: gives back the session budget a read freed and asks for a window update if one is due. */
    private void afterRead(int n, int frames, boolean announce) {
        session.budget().give(n, frames);
        session.memory().release(n);
        if (announce) {
            session.writer().requestWindowUpdate(stream);
        }
    }

    /** With the lock held: waits until data is buffered; false at EOF. */
    private boolean awaitData(long deadline) throws IOException {
        while (chunks.isEmpty()) {
            if (closed) {
                throw new MuxClosedException(
                        stream + " read failed, stream " + (resetReason == null ? "closed" : "reset: " + resetReason),
                        null);
            }
            if (finReceived) {
                return false;
            }
            if (sessionClosed) {
                throw session.closedException("read on stream " + Integer.toUnsignedString(stream.id()));
            }
            Deadlines.await(readable, deadline, stream + " read");
        }
        return true;
    }

    /** With the lock held, v2: counts {@code n} read bytes; true when the peer should hear about it (UPD). */
    private boolean account(int n) {
        numRead += n;
        unacked += n;
        // smux's rule: on the first read, then whenever half the advertised window was read since the last UPD.
        if (unacked >= Math.max(1, advertisedWindow / 2) || numRead == n) {
            unacked = 0;
            return true;
        }
        return false;
    }

    /**
     * Marks a window update as due; false when one is already queued (the queued one will carry the newest
     * count, since {@link #takeWindowUpdate()} reads it when the frame is written).
     */
    boolean markWindowUpdatePending() {
        lock.lock();
        try {
            if (updPending) {
                return false;
            }
            updPending = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The UPD payload for now: consumed = all bytes read so far, window = the session's current fair share
     * (see {@link StreamTable#fairWindow()}); clears the pending mark.
     */
    byte[] takeWindowUpdate() {
        byte[] p = new byte[Frame.UPD_PAYLOAD_SIZE];
        int window = session.streams().fairWindow();
        lock.lock();
        try {
            updPending = false;
            advertisedWindow = window;
            Frame.putIntLE(p, 0, numRead);
        } finally {
            lock.unlock();
        }
        Frame.putIntLE(p, 4, window);
        return p;
    }

    /**
     * Buffers one PSH payload, {@code length} bytes at the start of a pooled {@code buffer} this half now owns;
     * false when the stream no longer takes data (closed locally) and the caller keeps the buffer.
     */
    boolean onData(byte[] buffer, int length) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (chunks.isEmpty()) {
                lastTakenNanos = System.nanoTime();
            }
            chunks.add(buffer, length);
            readable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * v2, after a frame was buffered: true when this stream holds more than {@code fairWindow} unread bytes while
     * the peer still works with a larger window, so a UPD should tell it the smaller one.
     */
    boolean holdsMoreThanWindow(int fairWindow) {
        lock.lock();
        try {
            return advertisedWindow > fairWindow && chunks.bytes(headOffset) > fairWindow;
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #closeLocked()}, remembering why, so the owner's next read says the stream was reset. */
    boolean resetLocked(String reason) {
        if (closed) {
            return false;
        }
        resetReason = reason;
        return closeLocked();
    }

    void onRemoteFinLocked() {
        finReceived = true;
        readable.signalAll();
    }

    boolean finReceivedLocked() {
        return finReceived;
    }

    boolean isClosedLocked() {
        return closed || sessionClosed;
    }

    /** False when the stream was closed already; otherwise drops unread data, returning it to the session. */
    boolean closeLocked() {
        if (closed) {
            return false;
        }
        closed = true;
        long dropped = chunks.bytes(headOffset);
        int droppedFrames = chunks.size();
        while (!chunks.isEmpty()) {
            session.payloadPool().give(chunks.removeFirst());
        }
        headOffset = 0;
        readable.signalAll();
        session.budget().give(dropped, droppedFrames);
        session.memory().release(dropped);
        return true;
    }

    void onSessionClosedLocked() {
        sessionClosed = true;
        readable.signalAll();
    }
}
