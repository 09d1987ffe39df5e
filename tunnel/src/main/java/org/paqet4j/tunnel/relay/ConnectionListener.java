package org.paqet4j.tunnel.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local TCP listener that serves each accepted connection on its own virtual thread and keeps
 * track of the open ones, so its owner can stop accepting, drain and close them. Shared by the
 * SOCKS5 server and the TCP forwards.
 *
 * <p>An accept that fails (the process at its fd limit: "Too many open files") never ends the
 * listener: it waits a short backoff and accepts again, so the port serves again as soon as
 * descriptors free up. A connection over {@code maxConnections} is closed at once and counted.
 */
public final class ConnectionListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectionListener.class);

    /** Serves one accepted connection; the listener closes the socket afterwards. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket) throws IOException;
    }

    /** First wait after a failed accept; doubles per failure in a row up to {@link #MAX_ACCEPT_BACKOFF}. */
    static final Duration MIN_ACCEPT_BACKOFF = Duration.ofMillis(5);
    /** Short enough that a port serves again well within a second of descriptors freeing up. */
    static final Duration MAX_ACCEPT_BACKOFF = Duration.ofMillis(250);

    private final ServerSocket listener;
    private final String what;
    private final int maxConnections;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final LongAdder acceptErrors = new LongAdder();
    private final LongAdder overLimit = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LogThrottle acceptErrorLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle overLimitLog = new LogThrottle(Duration.ofSeconds(10));
    private volatile boolean closed;
    private Thread acceptThread;

    private ConnectionListener(ServerSocket listener, String what, int maxConnections) {
        this.listener = listener;
        this.what = what;
        this.maxConnections = maxConnections;
    }

    /** Binds to {@code bind}; {@code what} names the listener in errors and logs ("SOCKS5"). */
    public static ConnectionListener bind(InetSocketAddress bind, String what, int maxConnections) throws IOException {
        if (maxConnections < 1) {
            throw new IllegalArgumentException(what + ": maxConnections must be positive, got " + maxConnections);
        }
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(bind, 1024);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot bind " + what + " to " + AddressText.of(bind) + ": " + e.getMessage(), e);
        }
        return new ConnectionListener(listener, what, maxConnections);
    }

    /** Starts accepting; each connection runs {@code handler} on a virtual thread named {@code threadPrefix-peer}. */
    public void startAccepting(String threadPrefix, Handler handler) {
        acceptThread = Thread.ofVirtual()
                .name(threadPrefix + "-accept-" + listener.getLocalPort())
                .start(() -> acceptLoop(threadPrefix, handler));
    }

    private void acceptLoop(String threadPrefix, Handler handler) {
        long backoffNanos = 0;
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
                backoffNanos = 0;
            } catch (IOException e) {
                if (closed || listener.isClosed()) {
                    return;
                }
                backoffNanos = nextBackoff(backoffNanos);
                acceptFailed(e, backoffNanos);
                continue;
            }
            if (connections.size() >= maxConnections) {
                refuse(socket);
                continue;
            }
            connections.add(socket);
            accepted.increment();
            try {
                Thread.ofVirtual()
                        .name(threadPrefix + "-" + AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()))
                        .start(() -> {
                            try (socket) {
                                handler.serve(socket);
                            } catch (IOException e) {
                                log.trace(
                                        "{} {}: close: {}",
                                        what,
                                        AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()),
                                        e.toString());
                            } finally {
                                connections.remove(socket);
                            }
                        });
            } catch (RuntimeException | OutOfMemoryError e) {
                // No thread for it (memory exhausted): drop this connection, keep the listener.
                connections.remove(socket);
                closeQuietly(socket);
                backoffNanos = nextBackoff(backoffNanos);
                acceptFailed(new IOException("cannot start a thread: " + e, e), backoffNanos);
            }
        }
    }

    private static long nextBackoff(long previousNanos) {
        return previousNanos == 0
                ? MIN_ACCEPT_BACKOFF.toNanos()
                : Math.min(previousNanos * 2, MAX_ACCEPT_BACKOFF.toNanos());
    }

    /** Counts and logs (rate-limited) a failed accept, then waits {@code backoffNanos}; close() cuts the wait short. */
    private void acceptFailed(IOException e, long backoffNanos) {
        acceptErrors.increment();
        if (acceptErrorLog.permit()) {
            log.warn(
                    "{} {}: accept failed ({} more since the last line), retrying: {}",
                    what,
                    AddressText.of(localAddress()),
                    acceptErrorLog.takeSuppressed(),
                    e.getMessage());
        }
        try {
            Thread.sleep(Duration.ofNanos(backoffNanos));
        } catch (InterruptedException interrupted) {
            // close() interrupts to end the wait; the loop checks closed.
        }
    }

    private void refuse(Socket socket) {
        overLimit.increment();
        if (overLimitLog.permit()) {
            log.warn(
                    "{} {}: {} connections open, closing {} ({} more since the last line)",
                    what,
                    AddressText.of(localAddress()),
                    maxConnections,
                    AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()),
                    overLimitLog.takeSuppressed());
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try (socket) {
            // RST rather than FIN: the refused peer learns at once and no TIME_WAIT stays here.
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            log.trace("closing {}: {}", socket, e.toString());
        }
    }

    /** Accepts that failed (fd limit reached, ...) and were retried. */
    public long acceptErrors() {
        return acceptErrors.sum();
    }

    /** Connections closed at once because {@code maxConnections} were open. */
    /** Connections taken in to be served since start (refused ones not included). */
    public long acceptedConnections() {
        return accepted.sum();
    }

    public long refusedOverLimit() {
        return overLimit.sum();
    }

    public int maxConnections() {
        return maxConnections;
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
            accepting.interrupt();
            try {
                accepting.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
