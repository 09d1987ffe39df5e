package org.paqet4j.mux;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.packet.memory.MemoryBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An smux session over one reliable ordered transport: the state machine between {@link FrameReader} (one
 * receive loop on a virtual thread, which never writes) and {@link SessionWriter} (the only way onto the
 * transport). Streams live in {@link StreamTable}; what they may buffer is bounded by a {@link ReceiveBudget}.
 *
 * <p>The session owns its transport and its streams' buffers. {@link #close()} fails every pending operation at
 * once and closes the transport after the session (mux first, then KCP).
 */
public final class MuxSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MuxSession.class);
    /**
     * Shared by every session: a peer holding the key can open sessions and break each with a bad
     * frame, so a per-session throttle would still let one line through per session.
     */
    private static final LogThrottle protocolErrorLog = new LogThrottle(Duration.ofSeconds(10));

    private static final long RECEIVER_JOIN_MILLIS = 2000;
    /** How long the receive loop parks at most per wait for memory before it looks at its own state again. */
    private static final long MEMORY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final MuxConfig config;
    private final MuxTransport transport;
    private final boolean client;
    private final String label;
    private final FrameReader reader;
    private final SessionWriter writer;
    private final StreamTable streams;
    private final ReceiveBudget budget;
    /** The process-wide budget every buffered PSH byte counts against, next to this session's own smuxbuf. */
    private final MemoryBudget memory;
    /**
     * Set while the receive loop waits for our own readers (a full {@code smuxbuf}) or for the process-wide budget:
     * that silence is ours, not the peer's. Cleared by the loop itself, after it refreshed {@link #lastReceivedNanos},
     * so a keepalive tick between a reader freeing room and the loop running again still sees a pause.
     */
    private volatile boolean pausedByUs;
    /** One line per interval for resets, which a peer can trigger at will. */
    private final LogThrottle resetLog = new LogThrottle(Duration.ofSeconds(10));
    /** Streams reset for holding more than their share of a full {@code smuxbuf}. */
    private final LongAdder backlogResets = new LongAdder();

    private final AcceptBacklog backlog;
    /** Buffers of received PSH payloads, lent to streams until they are read. */
    private final PayloadPool payloads;
    /** Set by the receive loop on data, cleared by the keepalive tick: a quiet session drops its free buffers. */
    private volatile boolean dataSinceTick;
    /** The receive loop's buffer for UPD payloads. */
    private final byte[] updPayload = new byte[Frame.UPD_PAYLOAD_SIZE];

    private volatile long lastReceivedNanos = System.nanoTime();

    // closing gates shutdown; closed is published after closeCause so a reader never sees one without the other;
    // listenersDue is set once the transport is closed.
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean listenersDue;
    private volatile Throwable closeCause;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    /** Writes that had to wait for a peer's stream window (v2), counted once per wait. */
    final LongAdder windowStalls = new LongAdder();

    private final MuxScheduler scheduler;
    private final boolean ownsScheduler;
    private volatile ScheduledFuture<?> keepAlive;
    private final Thread receiver;

    private MuxSession(
            MuxTransport transport,
            MuxConfig config,
            boolean client,
            MuxScheduler scheduler,
            boolean ownsScheduler,
            MemoryBudget memory) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.memory = memory;
        this.config = Objects.requireNonNull(config, "config");
        this.client = client;
        this.label = (client ? "mux-client-" : "mux-server-") + Integer.toHexString(System.identityHashCode(this));
        this.reader = new FrameReader(transport.in(), config.version());
        this.writer = new SessionWriter(this, transport.out(), config);
        this.streams = new StreamTable(config, client, memory);
        this.budget = new ReceiveBudget(config.maxReceiveBuffer());
        this.backlog = new AcceptBacklog(label);
        this.payloads = new PayloadPool(config.maxFrameSize(), config.maxReceiveBuffer());
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

    /** A client session (own keepalive scheduler) whose buffered bytes count against a process-wide budget. */
    public static MuxSession client(MuxTransport t, MuxConfig c, MemoryBudget memory) {
        return start(t, c, true, null, Objects.requireNonNull(memory, "memory"));
    }

    /** A server session (own keepalive scheduler) whose buffered bytes count against a process-wide budget. */
    public static MuxSession server(MuxTransport t, MuxConfig c, MemoryBudget memory) {
        return start(t, c, false, null, Objects.requireNonNull(memory, "memory"));
    }

    private static MuxSession start(MuxTransport t, MuxConfig c, boolean client, MuxScheduler shared) {
        return start(t, c, client, shared, MemoryBudget.unlimited());
    }

    private static MuxSession start(
            MuxTransport t, MuxConfig c, boolean client, MuxScheduler shared, MemoryBudget memory) {
        Objects.requireNonNull(t, "transport");
        if (c == null) {
            // The transport was handed over: a session that cannot start still closes it, or it would leak.
            closeQuietly(t);
            throw new NullPointerException("config");
        }
        MuxScheduler scheduler = shared != null ? shared : MuxScheduler.create("mux-keepalive");
        MuxSession s = new MuxSession(t, c, client, scheduler, shared == null, memory);
        s.writer.start();
        // Keepalive first: once the receive loop runs, the session may close (and stop its scheduler) at any time.
        try {
            s.keepAlive = scheduler.every(c.keepAliveInterval().toNanos(), s::keepAliveTick);
        } catch (RejectedExecutionException e) {
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
        if (!streams.reserveSlot()) {
            throw new IOException(
                    label + ": cannot open a stream, " + config.maxStreams() + " streams are open (maxStreams)");
        }
        MuxStream stream = streams.openNext(id -> new MuxStream(this, id));
        if (stream == null) {
            throw new IOException(label + ": stream ids exhausted, open a new session");
        }
        try {
            writer.write(Command.SYN, stream.id(), null, 0, 0, Deadlines.after(MuxStream.OPEN_CLOSE_TIMEOUT_NANOS));
        } catch (IOException e) {
            streams.forget(stream);
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
        return backlog.take(deadline, this);
    }

    /** Streams currently open (or waiting to be accepted). */
    public int streamCount() {
        return closed.get() ? 0 : streams.count();
    }

    /** Writes on this session's streams that had to wait for the peer's window (smux v2), once per wait. */
    public long windowStalls() {
        return windowStalls.sum();
    }

    /** Streams this session reset because they held more than their share of a full {@code smuxbuf}. */
    public long backlogResets() {
        return backlogResets.sum();
    }

    /** Bytes received and not yet read, over all streams. */
    public long bufferedBytes() {
        return budget.buffered();
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
        if (pausedByUs) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, System.nanoTime() - lastReceivedNanos));
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
        return label + "[v" + config.version() + ", " + streamCount() + " streams" + (isClosed() ? ", closed" : "")
                + "]";
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
        return new MuxClosedException(
                label + ": " + op + " failed, session closed" + (cause == null ? "" : " (" + cause.getMessage() + ")"),
                cause);
    }

    /** Closes the session because writing to the transport failed. */
    void fail(IOException e) {
        shutdown(e);
    }

    SessionWriter writer() {
        return writer;
    }

    StreamTable streams() {
        return streams;
    }

    ReceiveBudget budget() {
        return budget;
    }

    /** The process-wide budget this session's buffered bytes count against. */
    public MemoryBudget memory() {
        return memory;
    }

    PayloadPool payloadPool() {
        return payloads;
    }

    /** v2: a new stream whose fair window is below smux's initial guess announces it before any data flows. */
    private void announceWindowIfSmall(MuxStream s) {
        if (config.version() == 2 && streams.fairWindow() < MuxStream.INITIAL_PEER_WINDOW) {
            writer.requestWindowUpdate(s);
        }
    }

    // ---- receive loop ----

    private void receiveLoop() {
        Throwable cause = null;
        try {
            while (!closed.get()) {
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

    /**
     * Before a PSH payload for {@code s} is read while {@code smuxbuf} is full: makes room, or waits for it. Returns
     * false when {@code s} itself was reset (its frame is dropped).
     *
     * <p>The rule: while the session buffer is full and more than one stream is open, a stream whose reader took
     * nothing for {@code keepAliveTimeout} while it holds more than its fair share ({@code smuxbuf / open streams})
     * is reset, the one holding the most bytes first; a reader that stalls must not stop the streams whose frames
     * wait behind its own in the transport, and windows already granted (v2) or none at all (v1) give no other way
     * to stop its sender. Until such a stream exists the loop waits for the readers, as smux does: a reader that
     * is merely slow (a busy host, a slow client) makes progress and is never reset. With one stream open nobody
     * else's frames can be behind its own, so it is always waited for. A session buffers at most {@code smuxbuf}
     * plus one frame.
     */
    private boolean makeRoom(MuxStream s) {
        long stallNanos = config.keepAliveTimeout().toNanos();
        while (!budget.available() && !closed.get()) {
            int open = streams.count();
            long share = budget.capacity() / Math.max(1, open);
            StreamTable.Backlog worst = open > 1 ? streams.largestStalledBacklog(share, stallNanos) : null;
            if (worst != null) {
                resetForBacklog(worst, share, open);
                if (worst.stream() == s) {
                    return false;
                }
                continue;
            }
            pausedByUs = true;
            try {
                // Bounded: a reader crossing the stall limit, or a stream opened meanwhile, is looked at again.
                budget.awaitAvailable(MEMORY_WAIT_NANOS);
            } finally {
                // Time spent waiting for our own readers does not count as peer silence.
                lastReceivedNanos = System.nanoTime();
                pausedByUs = false;
            }
        }
        return true;
    }

    private void resetForBacklog(StreamTable.Backlog worst, long share, int open) {
        String reason = "it held " + worst.bytes() + " unread bytes, more than its share " + share + " of smuxbuf ("
                + budget.capacity() + " bytes, " + open + " streams open), and took none for "
                + config.keepAliveTimeout().toMillis() + " ms while smuxbuf was full";
        if (worst.stream().reset(reason)) {
            backlogResets.increment();
            if (resetLog.permit()) {
                log.info(
                        "{}: reset {}: {} ({} more resets not logged)",
                        label,
                        worst.stream(),
                        reason,
                        resetLog.takeSuppressed());
            }
        }
    }

    /** Handles the frame whose header the reader just read, reading its payload. */
    private void dispatch(Command command, int sid, int length) throws IOException {
        switch (command) {
            case NOP -> {}
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
                MuxStream s = streams.get(sid);
                if (s != null && !budget.available() && !makeRoom(s)) {
                    s = null; // reset for its backlog: the frame is read and dropped
                }
                boolean counted = s != null && awaitMemory(s, length);
                byte[] buffer = payloads.take(length);
                try {
                    reader.readPayload(buffer, 0);
                } catch (IOException | RuntimeException e) {
                    // The session is ending (transport closed or broken): the bytes taken for this frame go back.
                    payloads.give(buffer);
                    if (counted) {
                        memory.release(length);
                    }
                    throw e;
                }
                boolean pastBudget = s != null && !counted && !s.receiveBufferEmpty();
                if (s != null && !counted) {
                    // Counted before the stream holds it: a close racing in releases what the stream holds.
                    memory.acquire(length);
                }
                // Data for a stream we already closed is dropped, as smux does.
                if (s != null && s.onData(buffer, length)) {
                    budget.take(length);
                    if (config.version() == 2 && (pastBudget || s.holdsMoreThanWindow(streams.fairWindow()))) {
                        // v2 took a frame past the budget because its window allowed it, or the stream now holds
                        // more than the fair window while the peer still uses a larger one granted when fewer
                        // streams were open: tell the peer the smaller window, so a stalled stream stops growing.
                        writer.requestWindowUpdate(s);
                    }
                } else {
                    payloads.give(buffer);
                    if (s != null) {
                        memory.release(length);
                    }
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

    /**
     * Before a PSH payload of {@code length} bytes for {@code s} is read: takes them from the process-wide budget
     * (true), or, in v1 while the budget is exhausted and {@code s} still buffers unread data, pauses the receive
     * loop until readers somewhere free enough. Returns false without counting when the frame goes in anyway and is
     * counted once buffered: v2 (the peer sent it within a window we granted, and windows granted while memory is
     * short shrink, see {@link StreamTable#fairWindow()}; waiting here would let one stalled stream hold up every
     * other stream of the session), {@code s} buffers nothing (its reader keeps up, so the frame leaves again at
     * once; a stalled reader elsewhere must not starve it), the stream is closed (the frame is dropped), or the
     * session is.
     */
    private boolean awaitMemory(MuxStream s, int length) {
        if (memory.tryAcquire(length)) {
            return true;
        }
        if (config.version() == 2) {
            return false;
        }
        pausedByUs = true;
        try {
            while (!closed.get() && !s.isClosed() && !s.receiveBufferEmpty()) {
                memory.awaitRelease(
                        () -> closed.get() || memory.free() >= length || s.receiveBufferEmpty(), MEMORY_WAIT_NANOS);
                if (memory.tryAcquire(length)) {
                    return true;
                }
            }
            return false;
        } finally {
            // Time spent waiting for our own readers does not count as peer silence.
            lastReceivedNanos = System.nanoTime();
            pausedByUs = false;
        }
    }

    private void onSyn(int sid) throws MuxProtocolException {
        boolean peerParity = (sid & 1) == (client ? 0 : 1);
        if (sid == 0 || !peerParity) {
            throw new MuxProtocolException("smux protocol error: SYN with a stream id the "
                    + (client ? "server" : "client") + " may not use (version " + config.version()
                    + ", command SYN, stream " + Integer.toUnsignedString(sid) + ", length 0)");
        }
        if (streams.contains(sid)) {
            return; // a repeated SYN changes nothing, as in smux
        }
        if (!streams.reserveSlot()) {
            refuse(sid);
            return;
        }
        MuxStream s = new MuxStream(this, sid);
        streams.add(s);
        announceWindowIfSmall(s);
        backlog.add(s);
    }

    /**
     * Answers a SYN over maxStreams with FIN. The receive loop never writes (a full transport would deadlock both
     * ends), so the refusal waits in the writer's outbox; a peer flooding SYNs while not reading gets at most
     * {@value SessionWriter#MAX_PENDING_REFUSALS} queued answers, the rest are dropped (its streams then just never
     * see data).
     */
    private void refuse(int sid) {
        if (writer.refuse(sid)) {
            log.debug(
                    "{}: refusing stream {}, {} streams open (maxStreams)",
                    label,
                    Integer.toUnsignedString(sid),
                    config.maxStreams());
        } else {
            log.debug(
                    "{}: not answering refused stream {}, {} refusals pending",
                    label,
                    Integer.toUnsignedString(sid),
                    SessionWriter.MAX_PENDING_REFUSALS);
        }
    }

    // ---- keepalive ----

    private void keepAliveTick() {
        if (closed.get()) {
            return;
        }
        // While the receive loop waits for our own readers it is not reading: silence is ours, not the peer's.
        long silent = peerSilence().toNanos();
        if (silent > config.keepAliveTimeout().toNanos()) {
            shutdown(new SocketTimeoutException(
                    "keepalive timeout: nothing received for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (timeout "
                            + config.keepAliveTimeout().toMillis() + " ms)"));
            return;
        }
        if (!dataSinceTick && bufferedBytes() == 0) {
            payloads.trim();
        }
        dataSinceTick = false;
        // Queued, never written here: a stuck transport must not block a scheduler shared by many sessions.
        writer.keepAlive();
    }

    // ---- close ----

    private void shutdown(Throwable cause) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        closed.set(true);
        if (cause instanceof MuxProtocolException) {
            if (protocolErrorLog.permit()) {
                log.warn(
                        "{}: closing on protocol error ({} more on any session since the last line): {}",
                        label,
                        protocolErrorLog.takeSuppressed(),
                        cause.getMessage());
            }
        } else if (cause != null) {
            log.info("{}: closing: {}", label, cause.toString());
        } else {
            log.debug("{}: closed", label);
        }
        ScheduledFuture<?> ka = keepAlive;
        if (ka != null) {
            ka.cancel(false);
        }
        for (MuxStream unaccepted : backlog.close()) {
            unaccepted.discardUnaccepted();
        }
        budget.close();
        // A receive loop waiting for memory looks at `closed` when woken.
        LockSupport.unpark(receiver);
        for (MuxStream s : streams.clear()) {
            s.onSessionClosed();
        }
        closeQuietly(transport);
        writer.stop();
        if (Thread.currentThread() != receiver && receiver.isAlive()) {
            try {
                if (!receiver.join(Duration.ofMillis(RECEIVER_JOIN_MILLIS))) {
                    log.warn(
                            "{}: receive loop still blocked {} ms after the transport was closed",
                            label,
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
