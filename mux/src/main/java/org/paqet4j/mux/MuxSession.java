package org.paqet4j.mux;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An smux session over one reliable ordered transport: the state machine between {@link FrameReader} (one
 * receive loop on a virtual thread) and {@link FrameWriter} (callers write whole frames under a short lock, so a
 * slow transport pushes back on the writers).
 *
 * <p>The session owns its transport and its streams' buffers. {@link #close()} fails every pending operation at
 * once and closes the transport after the session (mux first, then KCP).
 */
public final class MuxSession implements AutoCloseable, java.io.Closeable {
    private static final Logger log = LoggerFactory.getLogger(MuxSession.class);
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;
    private static final long RECEIVER_JOIN_MILLIS = 2000;

    private final MuxConfig config;
    private final MuxTransport transport;
    private final boolean client;
    private final String label;
    private final FrameReader reader;
    /** Buffers of received PSH payloads, lent to streams until they are read. */
    private final PayloadPool payloads;
    /** Set by the receive loop on data, cleared by the keepalive tick: a quiet session drops its free buffers. */
    private volatile boolean dataSinceTick;
    /** The receive loop's buffer for UPD payloads. */
    private final byte[] updPayload = new byte[Frame.UPD_PAYLOAD_SIZE];
    private final FrameWriter writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<MuxStream> pendingUpdates = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean updateSenderRunning = new AtomicBoolean();
    static final int MAX_PENDING_REFUSALS = 1024;
    private final ConcurrentLinkedQueue<Integer> pendingRefusals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingRefusalCount = new AtomicInteger();
    private final AtomicBoolean refusalSenderRunning = new AtomicBoolean();

    private final ConcurrentHashMap<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger streamSlots = new AtomicInteger();
    private final Object idLock = new Object();
    private long lastStreamId;

    // Accept backlog, close state and the receive loop's token wait share this lock.
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition acceptable = stateLock.newCondition();
    private final Condition tokensReturned = stateLock.newCondition();
    private final ArrayDeque<MuxStream> backlog = new ArrayDeque<>();

    /** smuxbuf minus what is buffered in streams; the receive loop pauses while it is not positive. */
    private final AtomicLong bucket;
    /**
     * How many more PSH frames streams may buffer: each is an object of its own, so a peer sending 1-byte frames
     * would otherwise park dozens of heap bytes per smuxbuf byte. The receive loop pauses while it is not positive.
     */
    private final AtomicLong frameBudget;
    /**
     * Set by the receive loop (under stateLock) before it looks at the budgets and waits; read by returners after
     * they added theirs. Either the loop sees the tokens or the returner sees the loop waiting: no lost wake-up.
     */
    private volatile boolean receivePaused;
    private volatile long lastReceivedNanos = System.nanoTime();

    // closing gates shutdown; closed is published after closeCause so a reader never sees one without the other;
    // listenersDue is set once the transport is closed.
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean listenersDue;
    private volatile Throwable closeCause;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();

    private final MuxScheduler scheduler;
    private final boolean ownsScheduler;
    private volatile ScheduledFuture<?> keepAlive;
    private final Thread receiver;

    private MuxSession(MuxTransport transport, MuxConfig config, boolean client, MuxScheduler scheduler,
            boolean ownsScheduler) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.config = Objects.requireNonNull(config, "config");
        this.client = client;
        this.label = (client ? "mux-client-" : "mux-server-") + Integer.toHexString(System.identityHashCode(this));
        this.reader = new FrameReader(transport.in(), config.version());
        this.writer = new FrameWriter(transport.out(), config.maxFrameSize());
        this.payloads = new PayloadPool(config.maxFrameSize(), config.maxReceiveBuffer());
        this.lastStreamId = client ? 1 : 0;
        this.bucket = new AtomicLong(config.maxReceiveBuffer());
        this.frameBudget = new AtomicLong(Math.max(MIN_FRAME_BUDGET, config.maxReceiveBuffer() / BYTES_PER_BUFFERED_FRAME));
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.receiver = Thread.ofVirtual().name(label + "-recv").unstarted(this::receiveLoop);
    }

    /** A client session (odd stream ids) with its own keepalive scheduler. */
    public static MuxSession client(MuxTransport t, MuxConfig c) {
        return start(t, c, true, null);
    }

    /** A server session (even stream ids) with its own keepalive scheduler. */
    public static MuxSession server(MuxTransport t, MuxConfig c) {
        return start(t, c, false, null);
    }

    /** A client session whose keepalive runs on a scheduler the caller owns and shares. */
    public static MuxSession client(MuxTransport t, MuxConfig c, MuxScheduler scheduler) {
        return start(t, c, true, Objects.requireNonNull(scheduler, "scheduler"));
    }

    /** A server session whose keepalive runs on a scheduler the caller owns and shares. */
    public static MuxSession server(MuxTransport t, MuxConfig c, MuxScheduler scheduler) {
        return start(t, c, false, Objects.requireNonNull(scheduler, "scheduler"));
    }

    private static MuxSession start(MuxTransport t, MuxConfig c, boolean client, MuxScheduler shared) {
        Objects.requireNonNull(t, "transport");
        if (c == null) {
            // The transport was handed over: a session that cannot start still closes it, or it would leak.
            closeQuietly(t);
            throw new NullPointerException("config");
        }
        MuxScheduler scheduler = shared != null ? shared : MuxScheduler.create("mux-keepalive");
        MuxSession s = new MuxSession(t, c, client, scheduler, shared == null);
        // Keepalive first: once the receive loop runs, the session may close (and stop its scheduler) at any time.
        try {
            s.keepAlive = scheduler.every(c.keepAliveInterval().toNanos(), s::keepAliveTick);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.shutdown(null);
            throw new IllegalStateException("the MuxScheduler passed in is closed", e);
        }
        s.receiver.start();
        return s;
    }

    public MuxConfig config() {
        return config;
    }

    /** Opens a stream: allocates the next id of this side's parity and sends SYN. */
    public MuxStream openStream() throws IOException {
        ensureOpen("openStream");
        if (!reserveSlot()) {
            throw new IOException(label + ": cannot open a stream, " + config.maxStreams()
                    + " streams are open (maxStreams)");
        }
        MuxStream stream;
        synchronized (idLock) {
            if (lastStreamId + 2 > MAX_STREAM_ID) {
                streamSlots.decrementAndGet();
                throw new IOException(label + ": stream ids exhausted, open a new session");
            }
            lastStreamId += 2;
            stream = new MuxStream(this, (int) lastStreamId);
            streams.put(stream.id(), stream);
        }
        try {
            writeFrame(Command.SYN, stream.id(), null, 0, 0, Deadlines.after(MuxStream.OPEN_CLOSE_TIMEOUT_NANOS));
        } catch (IOException e) {
            forget(stream);
            throw e;
        }
        announceWindowIfSmall(stream);
        return stream;
    }

    /** Waits for the peer to open a stream; throws {@link MuxClosedException} once the session is closed. */
    public MuxStream acceptStream() throws IOException {
        return accept(Deadlines.NONE);
    }

    /** Like {@link #acceptStream()}, failing with {@link java.net.SocketTimeoutException} after {@code timeout}. */
    public MuxStream acceptStream(Duration timeout) throws IOException {
        return accept(Deadlines.after(Deadlines.toNanos(Objects.requireNonNull(timeout, "timeout"))));
    }

    private MuxStream accept(long deadline) throws IOException {
        Deadlines.lock(stateLock, deadline, () -> label + " acceptStream");
        try {
            while (true) {
                MuxStream s = backlog.poll();
                if (s != null) {
                    return s;
                }
                ensureOpen("acceptStream");
                Deadlines.await(acceptable, deadline, label + " acceptStream");
            }
        } finally {
            stateLock.unlock();
        }
    }

    /** Streams currently open (or waiting to be accepted). */
    public int streamCount() {
        return closed.get() ? 0 : streamSlots.get();
    }

    /** Bytes received and not yet read, over all streams. */
    public long bufferedBytes() {
        return config.maxReceiveBuffer() - bucket.get();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * How long nothing at all (any frame: PSH, NOP, UPD, SYN, FIN) arrived from the peer; zero while the receive
     * loop is paused because our own readers are behind, since that silence is ours. The same measure the keepalive
     * timeout uses: a peer's keepalive NOPs keep it below the peer's keepalive interval on a healthy session, however
     * long our own writes queue behind a saturated upload.
     */
    public Duration peerSilence() {
        if (!tokensAvailable()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, System.nanoTime() - lastReceivedNanos));
    }

    private boolean tokensAvailable() {
        return bucket.get() > 0 && frameBudget.get() > 0;
    }

    /** Why the session closed by itself (protocol error, keepalive timeout, transport failure or EOF); null otherwise. */
    public Throwable closeCause() {
        return closeCause;
    }

    /**
     * Runs {@code listener} once when the session closes (at once if it already has), on the closing thread, after
     * the transport was closed: a client can reconnect right away.
     */
    public void onClose(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        closeListeners.add(listener);
        if (listenersDue && closeListeners.remove(listener)) {
            runListener(listener);
        }
    }

    /** Closes the session: sends nothing more, fails pending operations, then closes the transport. */
    @Override
    public void close() {
        shutdown(null);
    }

    /**
     * Closes the session because the layer below is known to be dead (say KCP gave up on its peer), which is
     * faster than waiting for the keepalive timeout; {@link #closeCause()} then reports {@code cause}.
     */
    public void abort(Throwable cause) {
        shutdown(Objects.requireNonNull(cause, "cause"));
    }

    @Override
    public String toString() {
        return label + "[v" + config.version() + ", " + streamCount() + " streams" + (isClosed() ? ", closed" : "") + "]";
    }

    // ---- used by MuxStream ----

    int version() {
        return config.version();
    }

    String label() {
        return label;
    }

    void ensureOpen(String op) throws MuxClosedException {
        if (closed.get()) {
            throw closedException(op);
        }
    }

    MuxClosedException closedException(String op) {
        Throwable cause = closeCause;
        return new MuxClosedException(label + ": " + op + " failed, session closed"
                + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    /**
     * Writes one frame; callers hold no stream lock. A transport failure closes the session and is rethrown as
     * {@link MuxClosedException}.
     */
    void writeFrame(Command cmd, int sid, byte[] b, int off, int len, long deadline) throws IOException {
        if (closed.get()) {
            throw closedException("write " + cmd);
        }
        Deadlines.lock(writeLock, deadline, () -> label + " write " + cmd + " on stream " + Integer.toUnsignedString(sid));
        try {
            if (closed.get()) {
                throw closedException("write " + cmd);
            }
            try {
                writer.write(config.version(), cmd, sid, b == null ? EMPTY : b, off, len);
                writePendingWindowUpdates();
                // Whoever waits for the lock flushes after its own frame: frames under load go out in batches.
                if (!writeLock.hasQueuedThreads()) {
                    writer.flush();
                }
            } catch (IOException e) {
                shutdown(e);
                throw closedException("write " + cmd);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** Heap a buffered frame may cost per payload byte before the frame count, not the bytes, is the limit. */
    static final int BYTES_PER_BUFFERED_FRAME = 64;
    private static final int MIN_FRAME_BUDGET = 1024;

    /** The smallest window fair sharing goes down to: one full frame. */
    private static final int MIN_FAIR_WINDOW = 64 * 1024;

    /**
     * The v2 window this session advertises per stream: {@code streambuf}, but never more than half of
     * {@code smuxbuf} shared by the open streams. smux always advertises {@code streambuf}, so two stalled readers
     * with 2 MiB windows fill a 4 MiB {@code smuxbuf} and pause every other stream (one
     * slow reader starves the rest); sharing keeps the windows of stalled streams well below the cap.
     */
    int fairWindow() {
        int streamsOpen = Math.max(1, streamSlots.get());
        long share = config.maxReceiveBuffer() / (2L * streamsOpen);
        int floor = Math.min(config.maxStreamBuffer(), MIN_FAIR_WINDOW);
        return (int) Math.max(floor, Math.min(config.maxStreamBuffer(), share));
    }

    /** v2: a new stream whose fair window is below smux's initial guess announces it before any data flows. */
    private void announceWindowIfSmall(MuxStream s) {
        if (config.version() == 2 && fairWindow() < MuxStream.INITIAL_PEER_WINDOW) {
            requestWindowUpdate(s);
        }
    }

    /**
     * Queues a v2 window update for {@code s}. Readers never wait for the transport: if the write lock is busy
     * the update goes out after the current writer's frame, or from one helper thread, whichever comes first.
     * (A reader blocked on a full transport would close a cycle: peer paused on a full smuxbuf, our writer stuck
     * behind it, our reader stuck behind our writer, our buffer full, the peer's writers stuck...)
     */
    void requestWindowUpdate(MuxStream s) {
        if (closed.get() || !s.markWindowUpdatePending()) {
            return;
        }
        pendingUpdates.add(s);
        if (updateSenderRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name(label + "-upd").start(this::sendWindowUpdates);
        }
    }

    private void sendWindowUpdates() {
        do {
            writeLock.lock();
            try {
                if (!closed.get()) {
                    writePendingWindowUpdates();
                    writer.flush();
                }
            } catch (IOException e) {
                shutdown(e);
            } finally {
                writeLock.unlock();
            }
            updateSenderRunning.set(false);
            // An update queued after our last look but before the flag dropped is ours to send.
        } while (!pendingUpdates.isEmpty() && !closed.get() && updateSenderRunning.compareAndSet(false, true));
    }

    /** With the write lock held: writes every queued window update. */
    private void writePendingWindowUpdates() throws IOException {
        for (MuxStream s; (s = pendingUpdates.poll()) != null; ) {
            byte[] p = s.takeWindowUpdate();
            writer.write(config.version(), Command.UPD, s.id(), p, 0, p.length);
        }
    }

    PayloadPool payloadPool() {
        return payloads;
    }

    /** Gives back what a stream no longer buffers: {@code n} bytes in {@code frames} whole frames. */
    void returnTokens(long n, int frames) {
        if (n <= 0 && frames <= 0) {
            return;
        }
        if (n > 0) {
            bucket.addAndGet(n);
        }
        if (frames > 0) {
            frameBudget.addAndGet(frames);
        }
        // Deciding who wakes the loop from the values each returner saw lost wake-ups: two streams returning bytes
        // and frames at once could each see the other's budget still empty, and the session stopped reading for
        // good (the peer then looked silent and the health check closed it under its streams).
        if (receivePaused && tokensAvailable()) {
            stateLock.lock();
            try {
                tokensReturned.signal();
            } finally {
                stateLock.unlock();
            }
        }
    }

    /** Removes a stream that is done (closed, or FIN both ways). */
    void forget(MuxStream stream) {
        if (streams.remove(stream.id(), stream)) {
            streamSlots.decrementAndGet();
        }
    }

    // ---- receive loop ----

    private void receiveLoop() {
        Throwable cause = null;
        try {
            while (awaitTokens()) {
                if (!reader.nextHeader()) {
                    cause = new EOFException("transport ended");
                    break;
                }
                dispatch(reader.command(), reader.streamId(), reader.length());
                lastReceivedNanos = System.nanoTime();
            }
        } catch (IOException e) {
            // MuxProtocolException, EOF inside a frame, or the transport failed.
            cause = e;
        } catch (RuntimeException | Error e) {
            log.error("{}: receive loop failed", label, e);
            cause = e;
        } finally {
            if (!closed.get()) {
                shutdown(cause);
            }
        }
    }

    /** Pauses reading while the session buffer is full; false once closed. */
    private boolean awaitTokens() {
        if (bucket.get() > 0 && frameBudget.get() > 0) {
            return !closed.get();
        }
        stateLock.lock();
        try {
            receivePaused = true;
            while (!tokensAvailable() && !closed.get()) {
                tokensReturned.awaitUninterruptibly();
            }
        } finally {
            receivePaused = false;
            stateLock.unlock();
        }
        // Time spent paused by our own reader does not count as peer silence.
        lastReceivedNanos = System.nanoTime();
        return !closed.get();
    }

    /** Handles the frame whose header the reader just read, reading its payload. */
    private void dispatch(Command command, int sid, int length) throws IOException {
        switch (command) {
            case NOP -> { }
            case SYN -> onSyn(sid);
            case FIN -> {
                MuxStream s = streams.get(sid);
                if (s != null) {
                    s.onRemoteFin();
                }
            }
            case PSH -> {
                if (length == 0) {
                    return;
                }
                dataSinceTick = true;
                byte[] buffer = payloads.take(length);
                reader.readPayload(buffer, 0);
                MuxStream s = streams.get(sid);
                // Data for a stream we already closed is dropped, as smux does.
                if (s != null && s.onData(buffer, length)) {
                    bucket.addAndGet(-length);
                    frameBudget.decrementAndGet();
                } else {
                    payloads.give(buffer);
                }
            }
            case UPD -> {
                reader.readPayload(updPayload, 0);
                long consumed = Integer.toUnsignedLong(Frame.intLE(updPayload, 0));
                long window = Integer.toUnsignedLong(Frame.intLE(updPayload, 4));
                MuxStream s = streams.get(sid);
                if (s != null && !s.onWindowUpdate((int) consumed, (int) window)) {
                    throw new MuxProtocolException("smux protocol error: peer consumed " + consumed
                            + " bytes, more than was sent (version " + config.version() + ", command UPD, stream "
                            + Integer.toUnsignedString(sid) + ", length 8)");
                }
            }
        }
    }

    private void onSyn(int sid) throws MuxProtocolException {
        boolean peerParity = (sid & 1) == (client ? 0 : 1);
        if (sid == 0 || !peerParity) {
            throw new MuxProtocolException("smux protocol error: SYN with a stream id the "
                    + (client ? "server" : "client") + " may not use (version " + config.version()
                    + ", command SYN, stream " + Integer.toUnsignedString(sid) + ", length 0)");
        }
        if (streams.containsKey(sid)) {
            return; // a repeated SYN changes nothing, as in smux
        }
        if (!reserveSlot()) {
            refuse(sid);
            return;
        }
        MuxStream s = new MuxStream(this, sid);
        streams.put(sid, s);
        announceWindowIfSmall(s);
        stateLock.lock();
        try {
            if (closed.get()) {
                return;
            }
            backlog.add(s);
            acceptable.signal();
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Answers a SYN over maxStreams with FIN. The receive loop never writes (a full transport would deadlock both
     * ends), so refusals queue for one helper thread; a peer flooding SYNs while not reading gets at most
     * {@value #MAX_PENDING_REFUSALS} queued answers, the rest are dropped (its streams then just never see data).
     */
    private void refuse(int sid) {
        if (pendingRefusalCount.incrementAndGet() > MAX_PENDING_REFUSALS) {
            pendingRefusalCount.decrementAndGet();
            log.debug("{}: not answering refused stream {}, {} refusals pending", label, Integer.toUnsignedString(sid),
                    MAX_PENDING_REFUSALS);
            return;
        }
        log.debug("{}: refusing stream {}, {} streams open (maxStreams)", label, Integer.toUnsignedString(sid),
                config.maxStreams());
        pendingRefusals.add(sid);
        if (refusalSenderRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name(label + "-refuse").start(this::sendRefusals);
        }
    }

    private void sendRefusals() {
        do {
            for (Integer sid; (sid = pendingRefusals.poll()) != null; ) {
                pendingRefusalCount.decrementAndGet();
                if (closed.get()) {
                    continue;
                }
                try {
                    writeFrame(Command.FIN, sid, null, 0, 0, Deadlines.after(MuxStream.OPEN_CLOSE_TIMEOUT_NANOS));
                } catch (IOException e) {
                    log.debug("{}: could not refuse stream {}: {}", label, Integer.toUnsignedString(sid), e.getMessage());
                }
            }
            refusalSenderRunning.set(false);
            // A refusal queued after our last look but before the flag dropped is ours to send.
        } while (!pendingRefusals.isEmpty() && refusalSenderRunning.compareAndSet(false, true));
    }

    private boolean reserveSlot() {
        while (true) {
            int n = streamSlots.get();
            if (n >= config.maxStreams()) {
                return false;
            }
            if (streamSlots.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    // ---- keepalive ----

    private void keepAliveTick() {
        if (closed.get()) {
            return;
        }
        // While the session buffer is full the receive loop is not reading: silence is ours, not the peer's.
        long silent = peerSilence().toNanos();
        if (silent > config.keepAliveTimeout().toNanos()) {
            shutdown(new SocketTimeoutException("keepalive timeout: nothing received for "
                    + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (timeout " + config.keepAliveTimeout().toMillis() + " ms)"));
            return;
        }
        if (!dataSinceTick && bufferedBytes() == 0) {
            payloads.trim();
        }
        dataSinceTick = false;
        // A busy write lock means frames are flowing anyway; otherwise the NOP goes out on its own virtual thread
        // so a stuck transport can never block a scheduler shared by many sessions.
        if (!writeLock.isLocked()) {
            Thread.ofVirtual().name(label + "-nop").start(this::sendNop);
        }
    }

    private void sendNop() {
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            if (closed.get()) {
                return;
            }
            writer.write(config.version(), Command.NOP, 0, EMPTY, 0, 0);
            writer.flush();
        } catch (IOException e) {
            shutdown(e);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- close ----

    private void shutdown(Throwable cause) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        closed.set(true);
        if (cause instanceof MuxProtocolException) {
            log.warn("{}: closing on protocol error: {}", label, cause.getMessage());
        } else if (cause != null) {
            log.info("{}: closing: {}", label, cause.toString());
        } else {
            log.debug("{}: closed", label);
        }
        ScheduledFuture<?> ka = keepAlive;
        if (ka != null) {
            ka.cancel(false);
        }
        stateLock.lock();
        try {
            backlog.clear();
            acceptable.signalAll();
            tokensReturned.signalAll();
        } finally {
            stateLock.unlock();
        }
        for (MuxStream s : streams.values()) {
            s.onSessionClosed();
        }
        streams.clear();
        streamSlots.set(0);
        closeQuietly(transport);
        if (Thread.currentThread() != receiver && receiver.isAlive()) {
            try {
                if (!receiver.join(Duration.ofMillis(RECEIVER_JOIN_MILLIS))) {
                    log.warn("{}: receive loop still blocked {} ms after the transport was closed", label,
                            RECEIVER_JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listenersDue = true;
        for (Runnable l : closeListeners) {
            if (closeListeners.remove(l)) {
                runListener(l);
            }
        }
        // Last: when the keepalive tick itself closes the session, this interrupts the calling thread.
        if (ownsScheduler) {
            scheduler.close();
        }
    }

    private static void closeQuietly(MuxTransport t) {
        try {
            t.closer().close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing the mux transport failed: {}", e.toString());
        }
    }

    private void runListener(Runnable l) {
        try {
            l.run();
        } catch (RuntimeException e) {
            log.warn("{}: close listener failed", label, e);
        }
    }
}
