package org.paqet4j.tunnel.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local TCP listener that serves each accepted connection on its own virtual thread and keeps
 * track of the open ones, so its owner can stop accepting, drain and close them. Shared by the
 * SOCKS5 server and the TCP forwards.
 */
public final class ConnectionListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectionListener.class);

    /** Serves one accepted connection; the listener closes the socket afterwards. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final String what;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private Thread acceptThread;

    private ConnectionListener(ServerSocket listener, String what) {
        this.listener = listener;
        this.what = what;
    }

    /** Binds to {@code bind}; {@code what} names the listener in errors and logs ("SOCKS5"). */
    public static ConnectionListener bind(InetSocketAddress bind, String what) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(bind, 1024);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot bind " + what + " to " + bind + ": " + e.getMessage(), e);
        }
        return new ConnectionListener(listener, what);
    }

    /** Starts accepting; each connection runs {@code handler} on a virtual thread named {@code threadPrefix-peer}. */
    public void startAccepting(String threadPrefix, Handler handler) {
        acceptThread = Thread.ofVirtual().name(threadPrefix + "-accept-" + listener.getLocalPort())
                .start(() -> acceptLoop(threadPrefix, handler));
    }

    private void acceptLoop(String threadPrefix, Handler handler) {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("{} {}: accept failed: {}", what, localAddress(), e.toString());
                }
                return;
            }
            connections.add(socket);
            Thread.ofVirtual().name(threadPrefix + "-" + socket.getRemoteSocketAddress()).start(() -> {
                try (socket) {
                    handler.serve(socket);
                } catch (IOException e) {
                    log.trace("{} {}: close: {}", what, socket.getRemoteSocketAddress(), e.toString());
                } finally {
                    connections.remove(socket);
                }
            });
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Open connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** True once the listener stopped accepting. */
    public boolean isClosed() {
        return closed;
    }

    public void stopAccepting() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", listener, e.toString());
        }
    }

    /** Waits up to {@code timeout} for open connections to finish; true if none is left. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            // Draining is a one-off at shutdown: a coarse sleep is simpler than a condition here.
            Thread.sleep(50);
        }
        return connections.isEmpty();
    }

    /** Stops accepting, closes every open connection and waits briefly for the accept thread. */
    @Override
    public void close() {
        stopAccepting();
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                log.trace("closing {}: {}", socket, e.toString());
            }
        }
        Thread accepting = acceptThread;
        if (accepting != null) {
            try {
                accepting.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
