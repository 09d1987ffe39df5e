package org.paqet4j.kcp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side: keys sessions by peer address (as kcp-go's Listener does). A datagram from a new
 * address whose first KCP segment decodes creates a session; a segment with a different conv and
 * {@code sn == 0} from a known address replaces that session (the client restarted), but only
 * once the session has heard nothing for {@link #REPLACE_AFTER_QUIET}: a live session is never
 * replaced, so a single spoofed or replayed first datagram of an old session cannot kill it.
 * Other foreign convs are dropped. Sessions idle for {@code idleTimeout} are reaped, at most
 * {@code maxSessions} exist at once, at most {@link #ACCEPT_BACKLOG} wait in {@link #accept},
 * and each source IP address may open new sessions only at its {@link NewSessionRate}.
 *
 * <p>Without the tunnel's packet guard this is all the replay defence there is: KCP drops
 * duplicate segments inside a live session, but a whole captured session replayed from a new
 * address is a new session (the protocol has no handshake).
 */
public final class KcpListener implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(KcpListener.class);
    public static final int ACCEPT_BACKLOG = 128;
    /** Longer than a healthy client is ever silent: it pings every 2 s and the server's smux keepalive is answered. */
    public static final Duration REPLACE_AFTER_QUIET = Duration.ofSeconds(5);

    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final KcpEventLoop loop;
    private final PacketCarrier carrier;
    private final KcpConfig config;
    private final Supplier<DatagramCodec> codecs;
    private final int maxSessions;
    private final long idleTimeoutMs;
    private final NewSessionLimiter newSessions;
    private final LogThrottle refusedLog = new LogThrottle(LOG_INTERVAL);
    private final Map<InetSocketAddress, KcpSession> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Condition acceptable = acceptLock.newCondition();
    private final ArrayDeque<KcpSession> backlog = new ArrayDeque<>();
    private volatile boolean closed;

    final AtomicLong droppedSessionLimit = new AtomicLong();
    final AtomicLong droppedBacklogFull = new AtomicLong();
    final AtomicLong droppedForeignConv = new AtomicLong();
    final AtomicLong droppedUndecodable = new AtomicLong();
    final AtomicLong replacedSessions = new AtomicLong();
    final AtomicLong refusedReplacements = new AtomicLong();
    final AtomicLong droppedSessionRate = new AtomicLong();

    private KcpListener(
            KcpEventLoop loop,
            PacketCarrier carrier,
            KcpConfig config,
            Supplier<DatagramCodec> codecs,
            int maxSessions,
            Duration idleTimeout,
            NewSessionRate rate) {
        this.loop = loop;
        this.newSessions = new NewSessionLimiter(rate, loop.nowMs());
        this.carrier = carrier;
        this.config = config;
        this.codecs = codecs;
        this.maxSessions = maxSessions;
        this.idleTimeoutMs = idleTimeout.toMillis();
    }

    /**
     * Starts accepting sessions on {@code carrier}. The caller keeps owning the carrier and closes
     * it after the listener.
     *
     * @param idleTimeout a session that receives nothing for this long is closed ({@link CloseReason#IDLE})
     */
    public static KcpListener listen(
            KcpEventLoop loop,
            PacketCarrier carrier,
            KcpConfig config,
            Supplier<DatagramCodec> codecs,
            int maxSessions,
            Duration idleTimeout) {
        return listen(loop, carrier, config, codecs, maxSessions, idleTimeout, NewSessionRate.DEFAULT);
    }

    /** As {@link #listen(KcpEventLoop, PacketCarrier, KcpConfig, Supplier, int, Duration)} with an explicit per-address rate. */
    public static KcpListener listen(
            KcpEventLoop loop,
            PacketCarrier carrier,
            KcpConfig config,
            Supplier<DatagramCodec> codecs,
            int maxSessions,
            Duration idleTimeout,
            NewSessionRate rate) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        KcpListener listener = new KcpListener(loop, carrier, config, codecs, maxSessions, idleTimeout, rate);
        Router router = loop.attach(carrier, Router.class, () -> listener.new Router());
        if (router.listener() != listener) {
            throw new IllegalStateException(
                    "carrier " + AddressText.of(carrier.localAddress()) + " already has a listener");
        }
        return listener;
    }

    /** Waits for the next new session. */
    public KcpSession accept() throws IOException {
        acceptLock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                KcpSession session = backlog.poll();
                if (session != null) {
                    if (session.isAlive()) {
                        return session;
                    }
                    continue;
                }
                try {
                    acceptable.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(
                            "interrupted in KCP accept on " + AddressText.of(carrier.localAddress()));
                }
            }
        } finally {
            acceptLock.unlock();
        }
    }

    /** New sessions refused because {@code maxSessions} were open. */
    public long droppedSessionLimit() {
        return droppedSessionLimit.get();
    }

    /** New sessions refused because the accept backlog was full. */
    public long droppedBacklogFull() {
        return droppedBacklogFull.get();
    }

    /** Datagrams from unknown peers the codec could not decode (no session was made for them). */
    public long droppedUndecodable() {
        return droppedUndecodable.get();
    }

    /** Sessions refused because their source address exceeded its {@link NewSessionRate}. */
    public long droppedSessionRate() {
        return droppedSessionRate.get();
    }

    /** First datagrams of other sessions that did not replace a live session of the same peer. */
    public long refusedReplacements() {
        return refusedReplacements.get();
    }

    /** Live sessions of this listener. */
    public int sessionCount() {
        return sessions.size();
    }

    public InetSocketAddress localAddress() {
        return carrier.localAddress();
    }

    /** Stops accepting and closes every session of this listener. */
    @Override
    public void close() {
        acceptLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            backlog.clear();
            acceptable.signalAll();
        } finally {
            acceptLock.unlock();
        }
        for (KcpSession session : sessions.values()) {
            session.closeWith(CloseReason.SHUTDOWN);
        }
    }

    private boolean offerToBacklog(KcpSession session) {
        acceptLock.lock();
        try {
            if (closed || backlog.size() >= ACCEPT_BACKLOG) {
                return false;
            }
            backlog.add(session);
            acceptable.signal();
            return true;
        } finally {
            acceptLock.unlock();
        }
    }

    private boolean backlogFull() {
        acceptLock.lock();
        try {
            return backlog.size() >= ACCEPT_BACKLOG;
        } finally {
            acceptLock.unlock();
        }
    }

    /** Demultiplexes the carrier's datagrams; runs on its receive thread only. */
    final class Router implements DatagramRouter, DatagramCodec.PayloadInput {
        /** A codec for datagrams from unknown peers, kept until a session adopts it. */
        private DatagramCodec spare;

        private KcpSession current;
        private DatagramCodec currentCodec;
        private InetSocketAddress currentPeer;
        /** A session this datagram created: its eager flush runs at the end of the receive batch. */
        private KcpSession created;

        KcpListener listener() {
            return KcpListener.this;
        }

        @Override
        public void route(InetSocketAddress peer, byte[] buf, int length, TouchedSessions touched) {
            if (closed) {
                return;
            }
            KcpSession session = sessions.get(peer);
            currentPeer = peer;
            if (session != null && session.isAlive()) {
                current = session;
                currentCodec = session.codec();
            } else {
                if (spare == null) {
                    spare = codecs.get();
                }
                current = null;
                currentCodec = spare;
            }
            try {
                KcpSession target = current;
                if (target != null) {
                    target.decode(buf, length, this);
                    touched.add(target);
                } else {
                    currentCodec.decode(buf, length, this);
                }
                if (created != null) {
                    touched.add(created);
                }
            } finally {
                current = null;
                currentCodec = null;
                currentPeer = null;
                created = null;
            }
        }

        @Override
        public void accept(byte[] buf, int offset, int length) {
            admit(buf, offset, length, true);
        }

        @Override
        public void acceptRecovered(byte[] buf, int offset, int length) {
            admit(buf, offset, length, false);
        }

        private void admit(byte[] buf, int offset, int length, boolean regular) {
            if (length < Kcp.OVERHEAD) {
                droppedUndecodable.incrementAndGet();
                return;
            }
            int conv = Bytes.int32(buf, offset);
            int sn = Bytes.int32(buf, offset + 12);
            KcpSession session = current;
            if (session != null && session.isAlive()) {
                if (conv == session.conv()) {
                    session.input(buf, offset, length, regular);
                    return;
                }
                if (sn != 0) {
                    droppedForeignConv.incrementAndGet();
                    return;
                }
                long quietMs = loop.nowMs() - session.lastReceiveMs();
                if (quietMs < REPLACE_AFTER_QUIET.toMillis()) {
                    refusedReplacements.incrementAndGet();
                    if (refusedLog.permit()) {
                        log.info(
                                "{}: new conv {} with sn 0 from the same peer ignored, the session heard from it "
                                        + "{} ms ago ({} more such datagrams not logged)",
                                session,
                                Integer.toUnsignedString(conv),
                                quietMs,
                                refusedLog.takeSuppressed());
                    }
                    return;
                }
                log.debug(
                        "{}: new conv {} with sn 0 from the same peer replaces it",
                        session,
                        Integer.toUnsignedString(conv));
                replacedSessions.incrementAndGet();
                sessions.remove(currentPeer, session);
                session.closeWith(CloseReason.REPLACED);
                current = null;
                if (spare == null) {
                    spare = codecs.get();
                }
                currentCodec = spare;
            }
            if (sessions.size() >= maxSessions) {
                droppedSessionLimit.incrementAndGet();
                return;
            }
            if (backlogFull()) {
                droppedBacklogFull.incrementAndGet();
                return;
            }
            if (!newSessions.tryAcquire(currentPeer.getAddress(), loop.nowMs())) {
                droppedSessionRate.incrementAndGet();
                if (refusedLog.permit()) {
                    log.info(
                            "new session from {} refused: more than {} at once and {}/s from its address "
                                    + "({} more refusals not logged)",
                            currentPeer,
                            newSessions.rate().burst(),
                            newSessions.rate().perSecond(),
                            refusedLog.takeSuppressed());
                }
                return;
            }
            KcpSession fresh = new KcpSession(loop, carrier, currentPeer, conv, config, currentCodec, idleTimeoutMs);
            spare = null;
            InetSocketAddress peer = currentPeer;
            loop.register(fresh);
            sessions.put(peer, fresh);
            fresh.onClose(() -> sessions.remove(peer, fresh));
            current = fresh;
            created = fresh;
            fresh.input(buf, offset, length, regular);
            if (!offerToBacklog(fresh)) {
                droppedBacklogFull.incrementAndGet();
                fresh.closeWith(CloseReason.SHUTDOWN);
            }
        }

        @Override
        public void carrierClosed() {
            close();
        }
    }
}
