package org.paqet4j.tunnel.kcptun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.stream.MuxTunnelSession;
import org.paqet4j.tunnel.stream.TunnelSession;
import org.paqet4j.tunnel.stream.TunnelStream;
import org.paqet4j.tunnel.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of kcptun's protocol ({@code kcptun-server -t TARGET}): every KCP session
 * carries an smux session, and every stream the peer opens is connected to the one configured
 * target and relayed as raw bytes (kcptun has no per-stream header, so the target is the
 * server's choice, never the client's).
 */
public final class KcptunServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KcptunServer.class);

    private final KcpListener listener;
    private final TransportSettings settings;
    private final InetSocketAddress target;
    private final Duration dialTimeout;
    private final Set<TunnelSession> sessions = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private KcptunServer(KcpListener listener, TransportSettings settings, InetSocketAddress target,
                         Duration dialTimeout) {
        this.listener = listener;
        this.settings = settings;
        this.target = target;
        this.dialTimeout = dialTimeout;
        this.acceptor = Thread.ofVirtual().name("kcptun-accept-" + listener.localAddress()).start(this::acceptSessions);
    }

    /**
     * Starts accepting on {@code listener} (which this server then owns); {@code target} is
     * resolved once, here, so a bad name fails at startup instead of on every stream.
     */
    public static KcptunServer start(KcpListener listener, TransportSettings settings, String targetHost,
                                     int targetPort, Duration dialTimeout) throws IOException {
        InetSocketAddress target = new InetSocketAddress(targetHost, targetPort);
        if (target.isUnresolved()) {
            throw new IOException("kcptun.target " + targetHost + ":" + targetPort + " does not resolve");
        }
        return new KcptunServer(listener, settings, target, dialTimeout);
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    public InetSocketAddress target() {
        return target;
    }

    public int sessionCount() {
        return sessions.size();
    }

    private void acceptSessions() {
        while (!closed) {
            KcpSession kcp;
            try {
                kcp = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("kcptun listener {} stopped: {}", listener.localAddress(), e.toString());
                }
                return;
            }
            MuxSession mux;
            try {
                mux = MuxSession.server(new MuxTransport(kcp.inputStream(), kcp.outputStream(), kcp::close),
                        settings.mux());
            } catch (RuntimeException e) {
                log.warn("smux session for {} failed: {}", kcp.remoteAddress(), e.toString());
                kcp.close();
                continue;
            }
            kcp.onClose(mux::close);
            TunnelSession session = new MuxTunnelSession(mux, kcp.remoteAddress());
            sessions.add(session);
            session.onClose(() -> sessions.remove(session));
            if (closed) {
                session.close();
                return;
            }
            Thread.ofVirtual().name("kcptun-session-" + kcp.remoteAddress()).start(() -> acceptStreams(session));
        }
    }

    private void acceptStreams(TunnelSession session) {
        while (!session.isClosed()) {
            TunnelStream stream;
            try {
                stream = session.acceptStream();
            } catch (IOException e) {
                log.debug("kcptun session {} ended: {}", session.remoteAddress(), e.toString());
                return;
            }
            Thread.ofVirtual().name("kcptun-stream-" + stream.id()).start(() -> relay(session, stream));
        }
    }

    private void relay(TunnelSession session, TunnelStream stream) {
        String label = "kcptun " + session.remoteAddress() + " stream " + stream.id() + " -> " + target;
        try (stream; Socket socket = new Socket()) {
            try {
                socket.connect(target, (int) Math.min(Integer.MAX_VALUE, dialTimeout.toMillis()));
            } catch (IOException e) {
                log.info("{}: connect failed: {}", label, e.toString());
                return;
            }
            socket.setTcpNoDelay(true);
            TcpRelay.run(socket, stream, label);
        } catch (IOException e) {
            log.debug("{}: {}", label, e.toString());
        }
    }

    /** Closes every session (FINs first, then KCP), then the listener. */
    @Override
    public void close() {
        closed = true;
        sessions.forEach(TunnelSession::close);
        listener.close();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "kcptun server " + listener.localAddress() + " -> " + target;
    }
}
