package org.paqet4j.tunnel.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connection set: {@link ClientOptions#connections()} slots, each owning one session
 * (its own carrier and KCP session) and one virtual thread that dials it, sends TCPF, checks it
 * with PING and redials with backoff when it dies. Streams are opened round-robin over live slots.
 *
 * <p>A caller that finds no live session waits on a condition signalled when a slot comes up; it
 * never polls and never kicks reconnects itself (a thousand callers would be a thundering herd).
 * Reconnect waits are condition waits that shutdown cuts short at once; backoff has jitter so
 * clients do not reconnect in lockstep; a session is published only after it answered a PING; a
 * late PONG fails the health check only when the peer also fell silent, never because a PING
 * queued behind a saturated upload.
 */
public final class TunnelClient implements StreamOpener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelClient.class);

    private final ClientOptions options;
    private final SessionDialer dialer;
    private final ClientProtocol protocol;
    private final TunnelSession[] live;
    /** Per slot, the session being set up (TCPF, first PING), so close() can cut that short too. */
    private final TunnelSession[] settingUp;

    private final Thread[] slotThreads;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot's session comes up or goes down, and on close. */
    private final Condition changed = lock.newCondition();

    private volatile boolean closed;

    /** A client speaking paqet's stream protocol. */
    public TunnelClient(ClientOptions options, SessionDialer dialer) {
        this(options, dialer, new PaqetProtocol(options));
    }

    private TunnelClient(ClientOptions options, SessionDialer dialer, ClientProtocol protocol) {
        this.options = options;
        this.dialer = dialer;
        this.protocol = protocol;
        this.live = new TunnelSession[options.connections()];
        this.settingUp = new TunnelSession[options.connections()];
        this.slotThreads = new Thread[options.connections()];
    }

    /**
     * A kcptun-mode client: {@link #openTcp} opens a bare stream (the server connects it to its one
     * target), sessions are used as soon as they are dialed and watched by smux keepalive and KCP only.
     */
    public static TunnelClient kcptun(ClientOptions options, SessionDialer dialer) {
        return new TunnelClient(options, dialer, new KcptunProtocol());
    }

    /** Starts every slot's dial loop; returns at once. */
    public void start() {
        for (int i = 0; i < slotThreads.length; i++) {
            int slot = i;
            slotThreads[i] = Thread.ofVirtual().name("tunnel-conn-" + i).start(() -> maintain(slot));
        }
    }

    /** Number of slots with a live session. */
    public int liveConnections() {
        lock.lock();
        try {
            int n = 0;
            for (TunnelSession s : live) {
                n += s != null && !s.isClosed() ? 1 : 0;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least one slot is live; false on timeout. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!closed && pickLocked() == null) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TunnelStream openTcp(Target target) throws IOException {
        return openWith(protocol.tcpHeader(target));
    }

    @Override
    public TunnelStream openUdp(Target target) throws IOException {
        return openWith(protocol.udpHeader(target));
    }

    /**
     * Round-trip time of one PING stream over the next live session. The whole attempt, waiting
     * for a live session included, takes at most the ping timeout: a tool that pings an absent
     * server must say so after one ping timeout, not after the longer open timeout.
     */
    public Duration ping() throws IOException {
        long deadline = System.nanoTime() + options.pingTimeout().toNanos();
        return protocol.ping(
                () -> {
                    try {
                        return awaitSession(deadline);
                    } catch (TunnelUnavailableException e) {
                        if (closed) {
                            throw e;
                        }
                        throw new TunnelUnavailableException("no live connection to the server within the ping timeout "
                                + options.pingTimeout().toMillis() + " ms");
                    }
                },
                deadline);
    }

    /** Opens a stream and writes {@code header} on it (none when null). */
    private TunnelStream openWith(StreamHeader header) throws IOException {
        long deadline = System.nanoTime() + options.openTimeout().toNanos();
        int refusals = 0;
        while (true) {
            TunnelSession session = awaitSession(deadline);
            TunnelStream stream;
            try {
                stream = session.openStream();
            } catch (IOException e) {
                if (session.isClosed()) {
                    // It died under us; its slot notices through onClose and redials.
                    continue;
                }
                // A live session refused (its stream limit): the next one round-robin may not.
                if (++refusals >= live.length) {
                    throw new IOException(
                            "opening a stream to " + AddressText.of(session.remoteAddress()) + ": " + e.getMessage(),
                            e);
                }
                continue;
            }
            if (header == null) {
                return stream;
            }
            try {
                StreamHeaderWriter.write(header, stream.outputStream());
                return stream;
            } catch (IOException e) {
                stream.close();
                throw new IOException(
                        "writing " + header + " on stream " + stream.id() + " to "
                                + AddressText.of(session.remoteAddress()) + ": " + e.getMessage(),
                        e);
            }
        }
    }

    private TunnelSession awaitSession(long deadline) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new TunnelUnavailableException("tunnel client is closed");
                }
                TunnelSession session = pickLocked();
                if (session != null) {
                    return session;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new TunnelUnavailableException(
                            "no live connection to the server within " + options.openTimeout());
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a live connection");
        } finally {
            lock.unlock();
        }
    }

    /** Next live session round-robin, or null. Caller holds the lock. */
    private TunnelSession pickLocked() {
        int start = Math.floorMod(nextSlot.getAndIncrement(), live.length);
        for (int i = 0; i < live.length; i++) {
            TunnelSession s = live[(start + i) % live.length];
            if (s != null && !s.isClosed()) {
                return s;
            }
        }
        return null;
    }

    /** One slot's life: dial, verify, publish, watch, and redial with backoff after a loss. */
    private void maintain(int slot) {
        Backoff backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), ThreadLocalRandom.current());
        while (!closed) {
            Duration wait;
            TunnelSession session = null;
            try {
                session = dialer.dial(slot);
                setUp(slot, session);
                protocol.setUp(session);
                publish(slot, session);
                log.info("connection {} to {} is up", slot, AddressText.of(session.remoteAddress()));
                watch(session);
                if (!closed) {
                    // Every stream of the session went with it: worth a warning, with the reason when the
                    // session knows one (a failed health check was logged by watch()).
                    TunnelSession lost = session;
                    lost.closeCause()
                            .ifPresentOrElse(
                                    cause -> log.warn(
                                            "connection {} to {} lost: {}",
                                            slot,
                                            AddressText.of(lost.remoteAddress()),
                                            cause.getMessage() != null ? cause.getMessage() : cause.toString()),
                                    () -> log.info(
                                            "connection {} to {} lost", slot, AddressText.of(lost.remoteAddress())));
                }
                wait = backoff.afterLoss();
            } catch (IOException e) {
                wait = backoff.next();
                log.info("connection {} failed ({}); retrying in {} ms", slot, e.getMessage(), wait.toMillis());
            } catch (RuntimeException e) {
                // A carrier or codec that fails unchecked must not end this slot's thread for good.
                wait = backoff.next();
                log.warn("connection {} failed ({}); retrying in {} ms", slot, e.toString(), wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                wait = Duration.ZERO;
            } finally {
                setUp(slot, null);
                unpublish(slot, session);
                if (session != null) {
                    session.close();
                }
            }
            sleepUnlessClosed(wait);
        }
    }

    /** Returns when the session closes, a health check fails or the client closes. */
    private void watch(TunnelSession session) throws InterruptedException {
        session.onClose(this::signal);
        while (!closed && !session.isClosed()) {
            lock.lock();
            try {
                if (!closed && !session.isClosed()) {
                    changed.await(options.healthInterval().toNanos(), TimeUnit.NANOSECONDS);
                }
            } finally {
                lock.unlock();
            }
            if (closed || session.isClosed()) {
                return;
            }
            try {
                protocol.checkHealth(session, () -> closed);
            } catch (IOException e) {
                if (!closed) {
                    log.warn("health check of {} failed: {}", AddressText.of(session.remoteAddress()), e.getMessage());
                }
                return;
            }
        }
    }

    /** Records the session a slot is setting up; one dialed after close() is closed at once. */
    private void setUp(int slot, TunnelSession session) {
        lock.lock();
        try {
            settingUp[slot] = session;
            if (closed && session != null) {
                session.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void publish(int slot, TunnelSession session) {
        lock.lock();
        try {
            live[slot] = session;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void unpublish(int slot, TunnelSession session) {
        lock.lock();
        try {
            if (live[slot] == session) {
                live[slot] = null;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void sleepUnlessClosed(Duration wait) {
        long remaining = wait.toNanos();
        lock.lock();
        try {
            while (!closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stops redialing and closes every session (mux before transport); waiters fail at once. */
    @Override
    public void close() {
        closed = true;
        signal();
        lock.lock();
        List<TunnelSession> sessions = new ArrayList<>();
        try {
            sessions.addAll(Arrays.asList(live));
            sessions.addAll(Arrays.asList(settingUp));
        } finally {
            lock.unlock();
        }
        for (TunnelSession s : sessions) {
            if (s != null) {
                s.close();
            }
        }
        for (Thread t : slotThreads) {
            if (t != null) {
                try {
                    t.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
