package org.paqet4j.tunnel.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.stream.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A TCP port forward: every accepted connection becomes one TCP stream to a fixed target. */
public final class TcpForward implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpForward.class);

    private final ServerSocket listener;
    private final Target target;
    private final StreamOpener tunnel;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private TcpForward(ServerSocket listener, Target target, StreamOpener tunnel) {
        this.listener = listener;
        this.target = target;
        this.tunnel = tunnel;
        Thread.ofVirtual().name("forward-tcp-" + listener.getLocalPort()).start(this::acceptLoop);
    }

    public static TcpForward start(InetSocketAddress bind, Target target, StreamOpener tunnel) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(bind, 1024);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot bind TCP forward to " + bind + ": " + e.getMessage(), e);
        }
        return new TcpForward(listener, target, tunnel);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public Target target() {
        return target;
    }

    public int connectionCount() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("TCP forward {}: accept failed: {}", localAddress(), e.toString());
                }
                return;
            }
            connections.add(socket);
            Thread.ofVirtual().name("forward-tcp-" + socket.getRemoteSocketAddress()).start(() -> {
                try (socket) {
                    serve(socket);
                } catch (IOException e) {
                    log.trace("closing {}: {}", socket, e.toString());
                } finally {
                    connections.remove(socket);
                }
            });
        }
    }

    private void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        try (TunnelStream stream = tunnel.openTcp(target)) {
            TcpRelay.run(socket, stream, "forward " + socket.getRemoteSocketAddress() + " -> " + target);
        } catch (IOException e) {
            log.warn("TCP forward {} -> {}: {}", socket.getRemoteSocketAddress(), target, e.getMessage());
        }
    }

    /** Waits up to {@code timeout} for open connections to finish; true if none is left. */
    public boolean awaitDrained(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            // A one-off at shutdown: a coarse sleep is simpler than a condition here.
            Thread.sleep(50);
        }
        return connections.isEmpty();
    }

    public void stopAccepting() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", listener, e.toString());
        }
    }

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
    }
}
