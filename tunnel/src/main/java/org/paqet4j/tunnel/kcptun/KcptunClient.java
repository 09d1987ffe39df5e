package org.paqet4j.tunnel.kcptun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.tunnel.client.SessionDialer;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.stream.TunnelSession;
import org.paqet4j.tunnel.stream.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client half of kcptun's protocol ({@code kcptun-client -l LISTEN}): every TCP connection
 * accepted on the local listener becomes one smux stream, relayed as raw bytes; the server decides
 * where it goes. Like kcptun, {@code connections} sessions are used round-robin, and a session is
 * dialled when a connection needs it and found dead (kcptun's "autoexpire" is not needed: a dead
 * KCP session closes its mux session at once).
 */
public final class KcptunClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KcptunClient.class);

    private final ServerSocket server;
    private final SessionDialer dialer;
    private final TunnelSession[] sessions;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private KcptunClient(ServerSocket server, SessionDialer dialer, int connections) {
        this.server = server;
        this.dialer = dialer;
        this.sessions = new TunnelSession[connections];
        this.acceptor = Thread.ofVirtual().name("kcptun-listen-" + server.getLocalSocketAddress()).start(this::accept);
    }

    /** Binds {@code listen} and starts accepting; the first session is dialled by the first connection. */
    public static KcptunClient start(InetSocketAddress listen, SessionDialer dialer, int connections)
            throws IOException {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(listen, 128);
        } catch (IOException e) {
            server.close();
            throw new IOException("kcptun.listen " + listen + ": " + e.getMessage(), e);
        }
        return new KcptunClient(server, dialer, connections);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int connectionCount() {
        return connections.size();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("kcptun listener {} stopped: {}", server.getLocalSocketAddress(), e.toString());
                }
                return;
            }
            connections.add(socket);
            Thread.ofVirtual().name("kcptun-conn-" + socket.getRemoteSocketAddress()).start(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            TunnelStream stream = openStream();
            try (stream) {
                TcpRelay.run(socket, stream, "kcptun " + socket.getRemoteSocketAddress() + " stream " + stream.id());
            }
        } catch (IOException e) {
            log.info("kcptun connection from {}: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            connections.remove(socket);
        }
    }

    /** A stream on the next slot's session, dialling the slot when it has no live session. */
    private TunnelStream openStream() throws IOException {
        int slot = Math.floorMod(next.getAndIncrement(), sessions.length);
        TunnelSession session = session(slot);
        try {
            return session.openStream();
        } catch (IOException e) {
            if (!session.isClosed()) {
                throw new IOException("opening a stream to " + session.remoteAddress() + ": " + e.getMessage(), e);
            }
            // It died between the check and the open: one fresh session, then give up.
            return session(slot).openStream();
        }
    }

    private TunnelSession session(int slot) throws IOException {
        synchronized (sessions) {
            if (closed) {
                throw new IOException("kcptun client is closed");
            }
            TunnelSession s = sessions[slot];
            if (s == null || s.isClosed()) {
                s = dialer.dial(slot);
                sessions[slot] = s;
            }
            return s;
        }
    }

    /** Stops accepting, ends every relayed connection, closes the sessions (mux, then KCP, then carrier). */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", server, e.toString());
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                log.trace("closing {}: {}", s, e.toString());
            }
        }
        synchronized (sessions) {
            for (TunnelSession s : sessions) {
                if (s != null) {
                    s.close();
                }
            }
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "kcptun client " + server.getLocalSocketAddress();
    }
}
