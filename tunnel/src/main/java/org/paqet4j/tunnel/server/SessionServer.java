package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every server mode shares: admits sessions up to {@link ServerLimits#maxSessions()},
 * accepts their streams on one virtual thread per session, admits each stream against the
 * per-session and the total stream limit, and hands it to the {@link StreamService} on its own
 * virtual thread. Refused sessions and streams are closed and counted; the owner stops
 * accepting, drains the open streams and closes every session through it.
 */
public final class SessionServer implements SessionHandler {

    private static final Logger log = LoggerFactory.getLogger(SessionServer.class);

    /** Put before "session"/"stream" in logs and thread names: "" in paqet mode, "kcptun " in kcptun mode. */
    private final String prefix;

    private final String threadPrefix;
    private final ServerLimits limits;
    private final StreamService service;
    private final ServerCounters counters;
    private final Semaphore sessionPermits;
    private final Semaphore streamPermits;
    private final Set<TunnelSession> sessions = ConcurrentHashMap.newKeySet();
    private final LogThrottle rejectedLog = new LogThrottle(Duration.ofSeconds(10));
    /** A client holding the key can open streams over the limit as fast as it likes: one line per interval. */
    private final LogThrottle rejectedStreamLog = new LogThrottle(Duration.ofSeconds(10));

    private volatile boolean closing;

    /**
     * @param prefix put before "session" and "stream" in logs ("" for paqet, "kcptun " for kcptun mode)
     */
    public SessionServer(String prefix, ServerLimits limits, ServerCounters counters, StreamService service) {
        this.prefix = prefix;
        this.threadPrefix = prefix.replace(' ', '-');
        this.limits = limits;
        this.counters = counters;
        this.service = service;
        this.sessionPermits = new Semaphore(limits.maxSessions());
        this.streamPermits = new Semaphore(limits.maxStreamsTotal());
    }

    public ServerCounters counters() {
        return counters;
    }

    /** True once the server stopped accepting: services refuse new work then. */
    public boolean isClosing() {
        return closing;
    }

    /**
     * Starts serving {@code session} on a virtual thread; the server now owns it. Returns false
     * (and closes the session) when the session limit is reached or the server is closing.
     */
    @Override
    public boolean serve(TunnelSession session) {
        String peer = AddressText.of(session.remoteAddress());
        if (closing || !sessionPermits.tryAcquire()) {
            counters.rejectedSessions.increment();
            // Rejections come in floods (replays from many ports), one line per interval is enough.
            if (rejectedLog.permit()) {
                log.warn(
                        "{}session from {} rejected: {} ({} more rejections not logged)",
                        prefix,
                        peer,
                        closing ? "server is closing" : limits.maxSessions() + " sessions already open",
                        rejectedLog.takeSuppressed());
            }
            session.close();
            return false;
        }
        sessions.add(session);
        counters.activeSessions.incrementAndGet();
        session.onClose(() -> {
            if (sessions.remove(session)) {
                counters.activeSessions.decrementAndGet();
                sessionPermits.release();
                service.sessionClosed(session);
                log.info("{}session from {} closed", prefix, peer);
            }
        });
        Thread.ofVirtual().name(threadPrefix + "session-" + peer).start(() -> acceptLoop(session));
        log.info("{}session from {} accepted", prefix, peer);
        return true;
    }

    private void acceptLoop(TunnelSession session) {
        Semaphore sessionStreams = new Semaphore(limits.maxStreamsPerSession());
        try {
            // Runs until the session closes, also while draining: leaving the loop would close the
            // session and cut the streams the drain is waiting for. The service refuses new work
            // then, but may still answer what keeps the session alive (paqet's PING and TCPF).
            while (true) {
                TunnelStream stream = session.acceptStream();
                if (!sessionStreams.tryAcquire()) {
                    reject(session, stream, limits.maxStreamsPerSession() + " streams open on this session");
                    continue;
                }
                if (!streamPermits.tryAcquire()) {
                    sessionStreams.release();
                    reject(session, stream, limits.maxStreamsTotal() + " streams open on this server");
                    continue;
                }
                counters.activeStreams.incrementAndGet();
                Thread.ofVirtual().name(threadPrefix + "stream-" + stream.id()).start(() -> {
                    try (stream) {
                        service.handle(this, session, stream);
                    } finally {
                        counters.activeStreams.decrementAndGet();
                        streamPermits.release();
                        sessionStreams.release();
                    }
                });
            }
        } catch (IOException e) {
            log.debug(
                    "{}session from {}: accept ended: {}",
                    prefix,
                    AddressText.of(session.remoteAddress()),
                    e.toString());
        } finally {
            session.close();
        }
    }

    private void reject(TunnelSession session, TunnelStream stream, String why) {
        counters.rejectedStreams.increment();
        if (rejectedStreamLog.permit()) {
            log.warn(
                    "{}stream {} from {} rejected: {} ({} more stream rejections not logged)",
                    prefix,
                    stream.id(),
                    AddressText.of(session.remoteAddress()),
                    why,
                    rejectedStreamLog.takeSuppressed());
        }
        stream.close();
    }

    /** Counts a stream the service refused because the server is closing. */
    public void refuseWhileClosing(TunnelSession session, TunnelStream stream, Object what) {
        counters.rejectedStreams.increment();
        log.debug(
                "{}stream {} from {}: {} refused, server is closing",
                prefix,
                stream.id(),
                AddressText.of(session.remoteAddress()),
                what);
    }

    /** Refuses new sessions and tells the service to refuse new work; open sessions and streams continue. */
    @Override
    public void stopAccepting() {
        closing = true;
    }

    /** Waits up to {@code timeout} for open streams to finish; true if none is left. */
    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (counters.activeStreams() > 0 && System.nanoTime() < end) {
            // A one-off at shutdown: a coarse sleep is simpler than a condition here.
            Thread.sleep(50);
        }
        return counters.activeStreams() == 0;
    }

    /** Closes every session (each closes its mux session before its transport). */
    @Override
    public void close() {
        closing = true;
        for (TunnelSession session : sessions) {
            session.close();
        }
    }
}
