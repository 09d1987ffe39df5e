package org.paqet4j.mux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
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
 *
 * <p>The two directions live in {@link StreamReceiver} and {@link StreamSender}; this class is the public face and
 * the stream's lifecycle (half-close, close, when the session may forget it).
 */
public final class MuxStream implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MuxStream.class);
    /** What smux assumes a v2 peer can take before its first UPD. */
    static final int INITIAL_PEER_WINDOW = 262144;
    /** Bound on sending SYN or FIN when no write timeout is set (smux uses the same 30 s). */
    static final long OPEN_CLOSE_TIMEOUT_NANOS = 30_000_000_000L;

    private final MuxSession session;
    private final int id;
    /** Guards the state of both halves, so closing changes them in one step. */
    private final ReentrantLock lock = new ReentrantLock();

    private final StreamReceiver receiver;
    private final StreamSender sender;

    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;

    private InputStream in;
    private OutputStream out;

    MuxStream(MuxSession session, int id) {
        this.session = session;
        this.id = id;
        this.receiver = new StreamReceiver(this, session, lock);
        this.sender = new StreamSender(this, session, lock);
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

    /** Reads up to {@code len} bytes; -1 once the peer sent FIN and everything before it was read. */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return receiver.read(b, off, len, Deadlines.after(readTimeoutNanos));
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
        return receiver.readMessage(dst, off, Deadlines.after(readTimeoutNanos));
    }

    /** Bytes received and not yet read. */
    public int available() {
        return receiver.available();
    }

    /** Writes all of {@code b[off, off+len)}, split into frames, waiting for the peer's window in v2. */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > 0) {
            sender.send(b, off, len, false, Deadlines.after(writeTimeoutNanos));
        }
    }

    /** Sends {@code b[off, off+len)} as exactly one PSH frame; an empty message sends nothing (smux drops it). */
    public void writeMessage(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > sender.frameSize()) {
            throw new IOException(this + ": message of " + len + " bytes exceeds maxFrameSize " + sender.frameSize());
        }
        if (len > 0) {
            sender.send(b, off, len, true, Deadlines.after(writeTimeoutNanos));
        }
    }

    /** Half-close: sends FIN after any data in flight; reading goes on until the peer's FIN. */
    public void closeWrite() throws IOException {
        if (!sender.markWriteClosed()) {
            return;
        }
        sender.sendFin(Deadlines.after(writeTimeoutNanos));
        boolean done;
        lock.lock();
        try {
            sender.markFinSentLocked();
            done = receiver.finReceivedLocked();
        } finally {
            lock.unlock();
        }
        if (done) {
            session.streams().forget(this);
        }
    }

    /** Closes both directions: drops unread data, fails pending calls, sends FIN unless already sent. */
    @Override
    public void close() {
        boolean fin;
        lock.lock();
        try {
            if (!receiver.closeLocked()) {
                return;
            }
            fin = sender.closeLocked();
        } finally {
            lock.unlock();
        }
        if (fin) {
            try {
                sender.sendFin(Deadlines.after(writeTimeoutNanos == 0 ? OPEN_CLOSE_TIMEOUT_NANOS : writeTimeoutNanos));
            } catch (IOException e) {
                log.debug("{}: FIN not sent: {}", this, e.getMessage());
            }
        }
        session.streams().forget(this);
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return receiver.isClosedLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return session.label() + " stream " + Integer.toUnsignedString(id);
    }

    // ---- used by the session ----

    boolean markWindowUpdatePending() {
        return receiver.markWindowUpdatePending();
    }

    byte[] takeWindowUpdate() {
        return receiver.takeWindowUpdate();
    }

    boolean onData(byte[] buffer, int length) {
        return receiver.onData(buffer, length);
    }

    boolean onWindowUpdate(int consumed, int window) {
        return sender.onWindowUpdate(consumed, window);
    }

    void onRemoteFin() {
        boolean done;
        lock.lock();
        try {
            receiver.onRemoteFinLocked();
            done = sender.finSentLocked();
        } finally {
            lock.unlock();
        }
        if (done) {
            session.streams().forget(this);
        }
    }

    /** The session closed before anyone accepted this stream: nobody will read what it buffered. */
    void discardUnaccepted() {
        lock.lock();
        try {
            receiver.closeLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by the receive loop: closes the stream because it held more than its share of a full {@code smuxbuf}.
     * Its unread data is dropped (returned to the session), its owner's next read and write fail naming
     * {@code reason}, a FIN is queued (the receive loop never writes) and the session forgets the stream, so
     * whatever the peer still sends for it is dropped. False when the stream was already closed.
     */
    boolean reset(String reason) {
        boolean fin;
        lock.lock();
        try {
            if (!receiver.resetLocked(reason)) {
                return false;
            }
            fin = sender.closeLocked();
        } finally {
            lock.unlock();
        }
        if (fin) {
            session.writer().reset(id);
        }
        session.streams().forget(this);
        return true;
    }

    /** How long received data has been waiting while this stream's reader took none; zero while nothing waits. */
    long stalledNanos(long now) {
        return receiver.stalledNanos(now);
    }

    /** v2: true when this stream holds more than {@code fairWindow} unread bytes under a larger window. */
    boolean holdsMoreThanWindow(int fairWindow) {
        return receiver.holdsMoreThanWindow(fairWindow);
    }

    /** True while nothing received waits to be read (its reader keeps up, or nothing arrived yet). */
    boolean receiveBufferEmpty() {
        return receiver.available() == 0;
    }

    void onSessionClosed() {
        lock.lock();
        try {
            receiver.onSessionClosedLocked();
            sender.onSessionClosedLocked();
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
