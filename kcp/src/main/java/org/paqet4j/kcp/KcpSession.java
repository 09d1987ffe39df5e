package org.paqet4j.kcp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.paqet4j.kcp.codec.CodecCounters;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KCP conversation with a peer: an ordered, reliable byte stream over a {@link PacketCarrier}.
 *
 * <p>Threading: the {@link Kcp} state machine is guarded by one lock, held briefly by the carrier's
 * receive thread (input, eager ACKs), the event loop's timer thread (flushes, retransmits) and the
 * application's threads (copying bytes in and out). Datagrams are only ever sent from the two
 * platform threads; application threads hand flushes to the event loop, so a virtual thread never
 * sits in a native send. A flush collects its datagrams in the flushing thread's {@link OutputBatch}
 * and hands each full batch to the carrier in one call; the last batch of a flush is sent after the
 * session lock is released (a second lock keeps the session's sends in the order they were encoded),
 * so a flush of a few datagrams never keeps the other threads waiting for its system call.
 *
 * <p>Backpressure: a writer blocks while {@code snd_queue + snd_buf} holds a full send window; a
 * reader that stops reading lets the receive queue fill, the advertised window drops to 0 and the
 * peer stops sending, so memory stays bounded by the windows.
 */
public final class KcpSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(KcpSession.class);

    static final int REQUEST_FLUSH = 1;
    static final int REQUEST_ARM = 2;
    static final int REQUEST_CLOSE = 4;
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final KcpEventLoop loop;
    private final PacketCarrier carrier;
    private final InetSocketAddress remote;
    private final DatagramCodec codec;
    private final KcpConfig config;
    private final Kcp kcp;
    private final long idleTimeoutMs;
    /**
     * A blocked writer is woken once a quarter of the send window is free again, not on every ACK:
     * it then writes a large chunk instead of ping-ponging one segment at a time.
     */
    private final int writerWakeLevel;

    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Orders this session's carrier sends as their datagrams were encoded: taken under {@link #lock}
     * before a batch is sent, and kept across the unlock while a flush's last batch is sent without
     * the session lock. Never held while waiting for {@link #lock}.
     */
    private final ReentrantLock sendLock = new ReentrantLock();

    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger requestBits = new AtomicInteger();
    private final DatagramCodec.DatagramOutput wireOutput = this::sendWire;
    private final DatagramCodec.PayloadInput payloadInput = new DatagramCodec.PayloadInput() {
        @Override
        public void accept(byte[] buf, int offset, int length) {
            input(buf, offset, length, true);
        }

        @Override
        public void acceptRecovered(byte[] buf, int offset, int length) {
            input(buf, offset, length, false);
        }
    };
    private final InputStream inputStream = new SessionInputStream();
    private final OutputStream outputStream = new SessionOutputStream();

    private volatile CloseReason closeReason;
    private volatile long lastReceiveMs;
    /** Guarded by lock: whether the timer thread keeps this session scheduled. */
    private boolean timerArmed;

    private long bytesWritten;
    private long bytesRead;
    private final AtomicLong sendErrors = new AtomicLong();
    /** Guarded by lock: where the flush in progress collects its wire datagrams (the flushing thread's batch). */
    private OutputBatch batch;
    /**
     * Guarded by lock: the clock {@link Kcp} reads during a flush. It starts at the flush's {@code now} and moves on
     * each time a batch has been handed to the carrier: the datagrams of one batch leave together.
     */
    private int flushClockMs;

    // Owned by the event loop's timer thread.
    long timerDeadline = NO_DEADLINE;
    int heapIndex = -1;

    KcpSession(
            KcpEventLoop loop,
            PacketCarrier carrier,
            InetSocketAddress remote,
            int conv,
            KcpConfig config,
            DatagramCodec codec,
            long idleTimeoutMs) {
        this.loop = loop;
        this.carrier = carrier;
        this.remote = remote;
        this.codec = codec;
        this.config = config;
        this.idleTimeoutMs = idleTimeoutMs;
        int headerRoom = codec.headerRoom();
        int trailerRoom = codec.trailerRoom();
        int kcpMtu = config.mtu() - headerRoom - trailerRoom;
        if (kcpMtu <= Kcp.OVERHEAD) {
            throw new IllegalArgumentException("MTU " + config.mtu() + " minus codec overhead "
                    + (headerRoom + trailerRoom) + " leaves no room for a KCP segment");
        }
        byte[] buffer = new byte[headerRoom + kcpMtu + trailerRoom];
        this.kcp = new Kcp(
                conv, config, kcpMtu, buffer, headerRoom, this::encode, loop.memoryBudget(), () -> flushClockMs);
        this.lastReceiveMs = loop.nowMs();
        this.writerWakeLevel = config.sndwnd() - Math.max(1, config.sndwnd() / 4);
    }

    public InputStream inputStream() {
        return inputStream;
    }

    public OutputStream outputStream() {
        return outputStream;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public int conv() {
        return kcp.conv;
    }

    public boolean isAlive() {
        return closeReason == null;
    }

    /** Why the session ended, or null while it is alive. */
    public CloseReason closeReason() {
        return closeReason;
    }

    public KcpConfig config() {
        return config;
    }

    /** Runs {@code hook} once when the session has closed (at once if it already has). Must not block. */
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
        if (finished.get() && closeHooks.remove(hook)) {
            hook.run();
        }
    }

    /** What this session's codec dropped and recovered (FEC), read without the session lock. */
    public CodecCounters codecCounters() {
        return codec.counters();
    }

    public KcpSessionStats stats() {
        CodecCounters c = codec.counters();
        long codecDrops = c.badChecksum() + c.badTag() + c.malformed();
        lock.lock();
        try {
            return new KcpSessionStats(
                    bytesWritten,
                    bytesRead,
                    kcp.segmentsSent,
                    kcp.segmentsReceived,
                    kcp.retransmitsRto,
                    kcp.retransmitsFast,
                    kcp.retransmitsEarly,
                    kcp.duplicateSegments,
                    kcp.windowProbesSent,
                    kcp.windowProbesReceived,
                    kcp.droppedInputs,
                    sendErrors.get(),
                    codecDrops,
                    kcp.srtt(),
                    kcp.rto(),
                    kcp.cwnd(),
                    kcp.remoteWindow(),
                    kcp.sendQueueSize(),
                    kcp.sendBufferSize(),
                    kcp.receiveQueueSize(),
                    kcp.receiveBufferSize());
        } finally {
            lock.unlock();
        }
    }

    /** Closes the session: pending ACKs and data get one last flush, then it is forgotten. */
    @Override
    public void close() {
        closeWith(CloseReason.LOCAL);
    }

    @Override
    public String toString() {
        return "KCP session conv=" + Integer.toUnsignedString(kcp.conv) + " peer=" + AddressText.of(remote);
    }

    // ---------------------------------------------------------------- receive thread

    /** Decodes one wire datagram from the peer and feeds its KCP payloads in. */
    void receiveDatagram(byte[] buf, int length) {
        decode(buf, length, payloadInput);
    }

    /**
     * Runs the codec's decode under the session lock (the codec is single-threaded and the timer
     * thread may want to encode). {@code sink} may call {@link #input}. The eager flush the payloads
     * asked for is not done here: the receive thread runs {@link #afterInput} once it has input every
     * datagram of its batch (never inside decode, so the codec is not re-entered).
     */
    void decode(byte[] buf, int length, DatagramCodec.PayloadInput sink) {
        lock.lock();
        try {
            codec.decode(buf, length, sink);
        } finally {
            lock.unlock();
        }
    }

    DatagramCodec codec() {
        return codec;
    }

    /**
     * The eager flush (ACKs, window moved, fast retransmit) and timer arming after the input of a
     * receive batch: whatever all of the batch's datagrams asked for goes out in one flush.
     */
    void afterInput(OutputBatch out) {
        boolean arm;
        boolean dead;
        OutputBatch tail = null;
        lock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            long now = loop.nowMs();
            beginFlush(out, now);
            try {
                kcp.flushPending((int) now);
            } finally {
                tail = endFlush();
            }
            arm = !timerArmed && kcp.hasPendingWork();
            if (arm) {
                timerArmed = true;
            }
            dead = kcp.isDead();
        } finally {
            lock.unlock();
            sendTail(tail);
        }
        if (dead) {
            closeWith(CloseReason.DEAD_LINK);
        } else if (arm) {
            loop.request(this, REQUEST_ARM);
        }
    }

    /**
     * Feeds one decoded KCP payload; called from {@link #decode}'s sink on the carrier's receive
     * thread with the lock held.
     *
     * @param regular false for a payload FEC rebuilt: KCP ignores its window and timestamp
     */
    void input(byte[] buf, int offset, int length, boolean regular) {
        if (closeReason != null) {
            return;
        }
        long now = loop.nowMs();
        lock.lock();
        try {
            if (closeReason != null) {
                // Checked again under the lock: a close may have released the receive queue meanwhile.
                return;
            }
            kcp.input(buf, offset, length, (int) now, regular, config.ackNoDelay());
            lastReceiveMs = now;
            if (kcp.hasReadable()) {
                readable.signalAll();
            }
            if (kcp.waitSnd() <= writerWakeLevel) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- timer thread

    int takeRequests() {
        return requestBits.getAndSet(0);
    }

    /** Adds request bits; returns true if the session must be queued (no request was pending). */
    boolean addRequest(int bits) {
        return requestBits.getAndUpdate(b -> b | bits) == 0;
    }

    /** A full flush (timer expiry or explicit request). Returns the next deadline. */
    long tick(long now, OutputBatch out) {
        boolean dead;
        long next;
        OutputBatch tail = null;
        lock.lock();
        try {
            if (closeReason != null) {
                return NO_DEADLINE;
            }
            int delay;
            beginFlush(out, now);
            try {
                delay = kcp.flush((int) now, false);
            } finally {
                tail = endFlush();
            }
            if (kcp.waitSnd() <= writerWakeLevel) {
                writable.signalAll();
            }
            dead = kcp.isDead();
            timerArmed = kcp.hasPendingWork();
            next = timerArmed ? now + delay : NO_DEADLINE;
        } finally {
            lock.unlock();
            sendTail(tail);
        }
        if (dead) {
            closeWith(CloseReason.DEAD_LINK);
            return NO_DEADLINE;
        }
        return next;
    }

    /** Keeps the session on the timer: the earlier of its deadline and one interval from now. */
    long armDeadline(long now) {
        lock.lock();
        try {
            if (closeReason != null) {
                return NO_DEADLINE;
            }
            timerArmed = true;
        } finally {
            lock.unlock();
        }
        return Math.min(timerDeadline, now + config.intervalMs());
    }

    /** When a datagram of this session last arrived, on the event loop's clock. */
    long lastReceiveMs() {
        return lastReceiveMs;
    }

    /** Periodic housekeeping: idle timeout and releasing buffers of quiet sessions. */
    void sweep(long now) {
        if (closeReason != null) {
            return;
        }
        if (idleTimeoutMs > 0 && now - lastReceiveMs > idleTimeoutMs) {
            log.debug("{}: idle for {} ms, closing", this, now - lastReceiveMs);
            closeWith(CloseReason.IDLE);
            return;
        }
        if (lock.tryLock()) {
            try {
                if (!kcp.hasPendingWork() && !kcp.hasReadable()) {
                    kcp.trim();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Marks the session closed and wakes its readers and writers; cleanup runs on the loop. */
    boolean closeWith(CloseReason reason) {
        lock.lock();
        try {
            if (closeReason != null) {
                return false;
            }
            closeReason = reason;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        if (reason != CloseReason.LOCAL) {
            log.debug("{} closed: {}", this, reason);
        }
        loop.request(this, REQUEST_CLOSE);
        return true;
    }

    /** Last flush for a local close, then the close hooks. Runs once. */
    void finishClose(long now, OutputBatch out) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        OutputBatch tail = null;
        lock.lock();
        try {
            if (closeReason == CloseReason.LOCAL) {
                beginFlush(out, now);
                try {
                    kcp.flush((int) now, false);
                } finally {
                    tail = endFlush();
                }
            }
            // Nobody reads a closed session: what it still holds goes back to the memory budget.
            kcp.releaseReceived();
        } finally {
            lock.unlock();
            sendTail(tail);
        }
        for (Runnable hook : closeHooks) {
            closeHooks.remove(hook);
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.warn("{}: close hook failed", this, e);
            }
        }
    }

    // ---------------------------------------------------------------- output

    private void encode(byte[] buf, int offset, int length) {
        try {
            codec.encode(buf, length, wireOutput);
        } catch (IOException e) {
            countSendError(e);
        }
    }

    /**
     * Collects a wire datagram; a full batch goes to the carrier at once, in one call (still under
     * the session lock: the flush is not done, and its state cannot be shared until it is).
     */
    private void sendWire(byte[] buf, int offset, int length) throws IOException {
        if (batch.add(buf, offset, length)) {
            sendLock.lock();
            try {
                batch.sendTo(carrier, remote);
            } finally {
                sendLock.unlock();
                flushClockMs = (int) loop.nowMs(); // a failed send took its time too
            }
        }
    }

    /** Called with the lock held before {@code kcp} may output: the flush collects into {@code out}. */
    private void beginFlush(OutputBatch out, long now) {
        batch = out;
        flushClockMs = (int) now;
    }

    /**
     * Called with the lock held after the flush: detaches the batch and returns it if datagrams are
     * left in it, with the send lock taken, so that they leave before anything a later flush of
     * this session encodes. The caller hands it to {@link #sendTail} once it has released the lock.
     */
    private OutputBatch endFlush() {
        OutputBatch out = batch;
        batch = null;
        if (out == null || out.isEmpty()) {
            return null;
        }
        sendLock.lock();
        return out;
    }

    /** Without the session lock: sends what {@link #endFlush} returned and releases the send lock. */
    private void sendTail(OutputBatch tail) {
        if (tail == null) {
            return;
        }
        try {
            tail.sendTo(carrier, remote);
        } catch (IOException e) {
            countSendError(e);
        } finally {
            sendLock.unlock();
        }
    }

    private void countSendError(IOException e) {
        // KCP retransmits what the carrier could not send; count it and keep going.
        sendErrors.incrementAndGet();
        log.debug("{}: send failed: {}", this, e.getMessage());
    }

    // ---------------------------------------------------------------- application side

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean tell;
        int n;
        lock.lock();
        try {
            while (!readyToRead()) {
                if (closeReason != null) {
                    return -1;
                }
                await(readable, "KCP data");
            }
            if (config.streamMode()) {
                n = kcp.read(b, off, len);
            } else {
                n = kcp.recv(b, off, len);
                if (n == -2) {
                    throw new IOException(this + ": next message of " + kcp.peekSize()
                            + " bytes does not fit a read of " + len + " bytes");
                }
            }
            bytesRead += n;
            // The window reopened after being full: the WINS should not wait for the timer.
            tell = kcp.wantsWindowTell();
        } finally {
            lock.unlock();
        }
        if (tell) {
            loop.request(this, REQUEST_FLUSH);
        }
        return n;
    }

    private boolean readyToRead() {
        return config.streamMode() ? kcp.hasReadable() : kcp.peekSize() >= 0;
    }

    private int available() {
        lock.lock();
        try {
            return config.streamMode() ? kcp.readable() : Math.max(0, kcp.peekSize());
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int chunkLimit = config.streamMode() ? Integer.MAX_VALUE : 255 * kcp.mss;
        while (len > 0) {
            int request;
            lock.lock();
            try {
                while (closeReason == null && kcp.waitSnd() >= kcp.sendWindow()) {
                    await(writable, "KCP send window");
                }
                if (closeReason != null) {
                    throw new IOException(this + " is closed (" + closeReason + ")");
                }
                long room = (long) (kcp.sendWindow() - kcp.waitSnd()) * kcp.mss;
                int n = (int) Math.min(Math.min(len, room), chunkLimit);
                kcp.send(b, off, n);
                bytesWritten += n;
                off += n;
                len -= n;
                boolean windowFull = kcp.waitSnd() >= kcp.sendWindow();
                if (!config.writeDelay() || windowFull) {
                    request = REQUEST_FLUSH;
                } else if (!timerArmed) {
                    timerArmed = true;
                    request = REQUEST_ARM;
                } else {
                    request = 0;
                }
            } finally {
                lock.unlock();
            }
            if (request != 0) {
                loop.request(this, request);
            }
        }
    }

    private static void await(Condition condition, String what) throws InterruptedIOException {
        try {
            condition.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        }
    }

    private final class SessionInputStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = KcpSession.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return KcpSession.this.read(b, off, len);
        }

        @Override
        public int available() {
            return KcpSession.this.available();
        }

        @Override
        public void close() {
            KcpSession.this.close();
        }
    }

    private final class SessionOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            KcpSession.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            KcpSession.this.write(b, off, len);
        }

        @Override
        public void close() {
            KcpSession.this.close();
        }
    }
}
