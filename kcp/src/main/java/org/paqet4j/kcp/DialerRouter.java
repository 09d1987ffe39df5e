package org.paqet4j.kcp;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Routes a client carrier's datagrams to the session dialed to their source address. */
final class DialerRouter implements DatagramRouter {
    private final Map<InetSocketAddress, KcpSession> sessions = new ConcurrentHashMap<>();
    final AtomicLong droppedUnknownPeer = new AtomicLong();

    /** Registers {@code session}; an older session to the same server on this carrier is replaced. */
    void add(KcpSession session) {
        KcpSession old = sessions.put(session.remoteAddress(), session);
        if (old != null) {
            old.closeWith(CloseReason.REPLACED);
        }
        session.onClose(() -> sessions.remove(session.remoteAddress(), session));
    }

    @Override
    public void route(InetSocketAddress peer, byte[] buf, int length, TouchedSessions touched) {
        KcpSession session = sessions.get(peer);
        if (session == null) {
            droppedUnknownPeer.incrementAndGet();
            return;
        }
        session.receiveDatagram(buf, length);
        touched.add(session);
    }

    @Override
    public void carrierClosed() {
        for (KcpSession session : sessions.values()) {
            session.closeWith(CloseReason.SHUTDOWN);
        }
    }
}
