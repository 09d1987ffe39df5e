package org.paqet4j.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One smux stream with blocking faces, meant to be driven from virtual threads. Reads and writes may run on two
 * different threads at once; concurrent writers are serialised so one {@code write} call stays contiguous.
 *
 * <p>Two ways to read: as a byte stream ({@link #inputStream()}) or message by message ({@link #readMessage}),
 * where each call returns exactly one received PSH frame. {@link #writeMessage} sends exactly one frame. Do not mix
 * the byte and message faces on the same direction.
 *
 * <p>{@code outputStream().close()} half-closes (FIN); {@code inputStream().close()} and {@link #close()} close the
 * whole stream, dropping unread data.
 */
public final class MuxStream implements AutoCloseable, java.io.Closeable {
    private static final Logger log = LoggerFactory.getLogger(MuxStream.class);
    /** What smux assumes a v2 peer can take before its first UPD. */
    static final int INITIAL_PEER_WINDOW = 262144;
    /** Bound on sending SYN or FIN when no write timeout is set (smux uses the same 30 s). */
    static final long OPEN_CLOSE_TIMEOUT_NANOS = 30_000_000_000L;

    private final MuxSession session;
    private final int id;
    private final int frameSize;
    private final boolean v2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    /** Serialises writers so frames of one write are contiguous and FIN follows the data. */
    private final ReentrantLock writeMutex = new ReentrantLock();

    // Guarded by lock.
    private final ReceivedChunks chunks = new ReceivedChunks();
    private int headOffset;
    private boolean finReceived;
    private boolean writeClosed;
    private boolean finSent;
    private boolean closed;
    private boolean sessionClosed;
    private int numRead;
    private int unacked;
    private boolean updPending;
    /** The window the peer currently uses for this stream: smux's initial guess until our first UPD. */
    private int advertisedWindow = INITIAL_PEER_WINDOW;
    private int peerConsumed;
    private int peerWindow = INITIAL_PEER_WINDOW;
    // Written by the one writer holding writeMutex, read by the receive loop when checking UPD.
    private volatile int numWritten;

    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;

    private InputStream in;
    private OutputStream out;

    MuxStream(MuxSession session, int id) {
        this.session = session;
        this.id = id;
        this.frameSize = session.config().maxFrameSize();
        this.v2 = session.version() == 2;
    }

    /** The stream id, an unsigned 32-bit value (odd: opened by the client, even: by the server). */
    public int id() {
        return id;
    }

    public MuxSession session() {
        return session;
    }

    /** Timeout of each read (0 or null: none); a read that runs out throws {@link java.net.SocketTimeoutException}. */
    public void setReadTimeout(Duration d) {
        readTimeoutNanos = Deadlines.toNanos(d);
    }

    /** Timeout of each write, including waiting for the peer's window and for the transport. */
    public void setWriteTimeout(Duration d) {
        writeTimeoutNanos = Deadlines.toNanos(d);
    }

    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new StreamInput();
        }
        return in;
    }

    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new StreamOutput();
        }
        return out;
    }

    // ---- reading ----

    /** Reads up to {@code len} bytes; -1 once the peer sent FIN and everything before it was read. */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long deadline = Deadlines.after(readTimeoutNanos);
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
            if (v2) {
                announce = account(n);
            }
        } finally {
            lock.unlock();
        }
        session.returnTokens(n, frames);
        if (announce) {
            session.requestWindowUpdate(this);
        }
        return n;
    }

    /**
     * Reads exactly one received PSH frame into {@code dst}; -1 at EOF. A frame larger than {@code dst} is left
     * unread and reported with its size.
     */
    public int readMessage(byte[] dst) throws IOException {
        return readMessage(dst, 0);
    }

    /**
     * Reads exactly one received PSH frame into {@code dst} from {@code off} on (the bytes before
     * stay as they are, e.g. a header the caller sends in front); returns its length, -1 at EOF. A
     * frame larger than {@code dst.length - off} is left unread and reported with its size.
     */
    public int readMessage(byte[] dst, int off) throws IOException {
        Objects.checkIndex(off, dst.length + 1);
        long deadline = Deadlines.after(readTimeoutNanos);
        int n;
        boolean announce = false;
        lock.lock();
        try {
            if (!awaitData(deadline)) {
                return -1;
            }
            n = chunks.firstLength() - headOffset;
            if (n > dst.length - off) {
                throw new IOException(session.label() + " stream " + Integer.toUnsignedString(id) + ": message of "
                        + n + " bytes does not fit a buffer of " + (dst.length - off) + " bytes");
            }
            System.arraycopy(chunks.firstBuffer(), headOffset, dst, off, n);
            session.payloadPool().give(chunks.removeFirst());
            headOffset = 0;
            if (v2) {
                announce = account(n);
            }
        } finally {
            lock.unlock();
        }
        session.returnTokens(n, 1);
        if (announce) {
            session.requestWindowUpdate(this);
        }
        return n;
    }

    /** Bytes received and not yet read. */
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, chunks.bytes(headOffset));
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: waits until data is buffered; false at EOF. */
    private boolean awaitData(long deadline) throws IOException {
        while (chunks.isEmpty()) {
            if (closed) {
                throw new MuxClosedException(describe() + " read failed, stream closed", null);
            }
            if (finReceived) {
                return false;
            }
            if (sessionClosed) {
                throw session.closedException("read on stream " + Integer.toUnsignedString(id));
            }
            Deadlines.await(readable, deadline, describe() + " read");
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
     * (see {@link MuxSession#fairWindow()}); clears the pending mark.
     */
    byte[] takeWindowUpdate() {
        byte[] p = new byte[Frame.UPD_PAYLOAD_SIZE];
        int window = session.fairWindow();
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

    // ---- writing ----

    /** Writes all of {@code b[off, off+len)}, split into frames, waiting for the peer's window in v2. */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > 0) {
            send(b, off, len, false);
        }
    }

    /** Sends {@code b[off, off+len)} as exactly one PSH frame; an empty message sends nothing (smux drops it). */
    public void writeMessage(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > frameSize) {
            throw new IOException(describe() + ": message of " + len + " bytes exceeds maxFrameSize " + frameSize);
        }
        if (len > 0) {
            send(b, off, len, true);
        }
    }

    private void send(byte[] b, int off, int len, boolean message) throws IOException {
        long deadline = Deadlines.after(writeTimeoutNanos);
        Deadlines.lock(writeMutex, deadline, () -> describe() + " write");
        try {
            while (len > 0) {
                int allowed = awaitWindow(len, message, deadline);
                while (allowed > 0) {
                    int n = Math.min(allowed, frameSize);
                    // Counted before the frame leaves so a fast UPD never exceeds what we count as sent.
                    numWritten += n;
                    try {
                        session.writeFrame(Command.PSH, id, b, off, n, deadline);
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
        lock.lock();
        try {
            while (true) {
                if (closed || writeClosed) {
                    throw new MuxClosedException(describe() + " write failed, "
                            + (closed ? "stream closed" : "write side closed (FIN sent)"), null);
                }
                if (sessionClosed) {
                    throw session.closedException("write on stream " + Integer.toUnsignedString(id));
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
                Deadlines.await(writable, deadline, describe() + " write (peer window full)");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Half-close: sends FIN after any data in flight; reading goes on until the peer's FIN. */
    public void closeWrite() throws IOException {
        lock.lock();
        try {
            if (writeClosed) {
                return;
            }
            writeClosed = true;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        sendFin(Deadlines.after(writeTimeoutNanos));
        boolean done;
        lock.lock();
        try {
            finSent = true;
            done = finReceived;
        } finally {
            lock.unlock();
        }
        if (done) {
            session.forget(this);
        }
    }

    private void sendFin(long deadline) throws IOException {
        Deadlines.lock(writeMutex, deadline, () -> describe() + " FIN");
        try {
            session.writeFrame(Command.FIN, id, null, 0, 0, deadline);
        } finally {
            writeMutex.unlock();
        }
    }

    /** Closes both directions: drops unread data, fails pending calls, sends FIN unless already sent. */
    @Override
    public void close() {
        boolean fin;
        long dropped = 0;
        int droppedFrames;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            fin = !writeClosed && !sessionClosed;
            writeClosed = true;
            dropped = chunks.bytes(headOffset);
            droppedFrames = chunks.size();
            while (!chunks.isEmpty()) {
                session.payloadPool().give(chunks.removeFirst());
            }
            headOffset = 0;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        session.returnTokens(dropped, droppedFrames);
        if (fin) {
            try {
                sendFin(Deadlines.after(writeTimeoutNanos == 0 ? OPEN_CLOSE_TIMEOUT_NANOS : writeTimeoutNanos));
            } catch (IOException e) {
                log.debug("{}: FIN not sent: {}", describe(), e.getMessage());
            }
        }
        session.forget(this);
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed || sessionClosed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        return session.label() + " stream " + Integer.toUnsignedString(id);
    }

    // ---- events from the receive loop ----

    /**
     * Buffers one PSH payload, {@code length} bytes at the start of a pooled {@code buffer} the stream now owns;
     * false when the stream no longer takes data (closed locally) and the caller keeps the buffer.
     */
    boolean onData(byte[] buffer, int length) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            chunks.add(buffer, length);
            readable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void onRemoteFin() {
        boolean done;
        lock.lock();
        try {
            finReceived = true;
            readable.signalAll();
            done = finSent;
        } finally {
            lock.unlock();
        }
        if (done) {
            session.forget(this);
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

    void onSessionClosed() {
        lock.lock();
        try {
            sessionClosed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = MuxStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return MuxStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            return MuxStream.this.available();
        }

        @Override
        public void close() {
            MuxStream.this.close();
        }
    }

    private final class StreamOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            MuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            MuxStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!isClosed()) {
                closeWrite();
            }
        }
    }
}
