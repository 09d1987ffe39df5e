package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.stream.TunnelSession;
import org.paqet4j.tunnel.stream.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kcptun mode: every stream, with no header, is one TCP connection to the one configured target,
 * as kcptun-server does. Limits as in paqet mode; the target is the operator's, so no access rules.
 */
public final class KcptunServer implements SessionHandler {

    private static final Logger log = LoggerFactory.getLogger(KcptunServer.class);

    private final Target target;
    private final TargetDialer dialer;
    private final ServerLimits limits;
    private final Semaphore sessionPermits;
    private final Semaphore streamPermits;
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final Set<TunnelSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public KcptunServer(Target target, ServerLimits limits, HostResolver resolver) {
        this.target = target;
        this.limits = limits;
        this.dialer = new TargetDialer(AccessRules.allowAll(), resolver, limits.dialTimeout());
        this.sessionPermits = new Semaphore(limits.maxSessions());
        this.streamPermits = new Semaphore(limits.maxStreamsTotal());
    }

    @Override
    public boolean serve(TunnelSession session) {
        if (closed || !sessionPermits.tryAcquire()) {
            log.warn("kcptun session from {} rejected: {}", AddressText.of(session.remoteAddress()),
                    closed ? "server is closing" : limits.maxSessions() + " sessions already open");
            session.close();
            return false;
        }
        sessions.add(session);
        session.onClose(() -> {
            if (sessions.remove(session)) {
                sessionPermits.release();
            }
        });
        Thread.ofVirtual().name("kcptun-session-"
                + AddressText.of(session.remoteAddress())).start(() -> acceptLoop(session));
        log.info("kcptun session from {} accepted", AddressText.of(session.remoteAddress()));
        return true;
    }

    private void acceptLoop(TunnelSession session) {
        try {
            // Runs until the session closes, also while draining: leaving the loop would close the
            // session and cut the streams the drain is waiting for; new streams are refused then.
            while (true) {
                TunnelStream stream = session.acceptStream();
                if (closed) {
                    log.debug("kcptun stream {} from {} refused: server is closing", stream.id(),
                            AddressText.of(session.remoteAddress()));
                    stream.close();
                    continue;
                }
                if (!streamPermits.tryAcquire()) {
                    log.warn("kcptun stream {} from {} rejected: {} streams open", stream.id(),
                            AddressText.of(session.remoteAddress()),
                            limits.maxStreamsTotal());
                    stream.close();
                    continue;
                }
                activeStreams.incrementAndGet();
                Thread.ofVirtual().name("kcptun-stream-" + stream.id()).start(() -> {
                    try (stream; Socket socket = dialer.dialTcp(target)) {
                        TcpRelay.run(socket, stream, "kcptun stream " + stream.id() + " -> " + target);
                    } catch (IOException e) {
                        log.info("kcptun stream {} -> {}: {}", stream.id(), target, e.getMessage());
                    } finally {
                        activeStreams.decrementAndGet();
                        streamPermits.release();
                    }
                });
            }
        } catch (IOException e) {
            log.debug("kcptun session from {}: accept ended: {}", AddressText.of(session.remoteAddress()),
                    e.toString());
        } finally {
            session.close();
        }
    }

    public int activeStreams() {
        return activeStreams.get();
    }

    @Override
    public void stopAccepting() {
        closed = true;
    }

    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (activeStreams.get() > 0 && System.nanoTime() < end) {
            // A one-off at shutdown: a coarse sleep is simpler than a condition here.
            Thread.sleep(50);
        }
        return activeStreams.get() == 0;
    }

    @Override
    public void close() {
        closed = true;
        sessions.forEach(TunnelSession::close);
    }
}
