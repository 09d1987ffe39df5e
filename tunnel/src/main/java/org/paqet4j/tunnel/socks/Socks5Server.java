package org.paqet4j.tunnel.socks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.relay.ConnectionListener;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SOCKS5 listener (RFC 1928, RFC 1929) that carries CONNECT and UDP ASSOCIATE through the
 * tunnel. One virtual thread per connection with blocking I/O; the handshake must complete
 * within a deadline or the connection is closed. Connections and UDP associations are capped by
 * {@link ListenerLimits}; failed authentications slow their source address down ({@link AuthThrottle}).
 */
public final class Socks5Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Socks5Server.class);

    private final ConnectionListener listener;
    private final StreamOpener tunnel;
    private final Optional<Credentials> credentials;
    private final Duration handshakeTimeout;
    private final int maxUdpTargets;
    private final ListenerLimits limits;
    private final Socks5Counters counters = new Socks5Counters();
    private final AtomicInteger udpAssociations = new AtomicInteger();
    private final AuthThrottle authThrottle = new AuthThrottle();
    private final LogThrottle authFailureLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle associationLimitLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle udpRelayErrorLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle tunnelFailureLog = new LogThrottle(Duration.ofSeconds(10));
    private final ScheduledExecutorService deadlines;

    private Socks5Server(
            ConnectionListener listener,
            StreamOpener tunnel,
            Optional<Credentials> credentials,
            Duration handshakeTimeout,
            int maxUdpTargets,
            ListenerLimits limits) {
        this.listener = listener;
        this.tunnel = tunnel;
        this.credentials = credentials;
        this.handshakeTimeout = handshakeTimeout;
        this.maxUdpTargets = maxUdpTargets;
        this.limits = limits;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("socks5-deadline-" + listener.localAddress().getPort())
                .factory());
        listener.startAccepting("socks5", socket -> {
            counters.connections.increment();
            serve(socket);
        });
    }

    /**
     * Binds and starts accepting.
     *
     * @param maxUdpTargets targets one UDP association may talk to (one stream each)
     */
    public static Socks5Server start(
            InetSocketAddress bind,
            StreamOpener tunnel,
            Optional<Credentials> credentials,
            Duration handshakeTimeout,
            int maxUdpTargets)
            throws IOException {
        return start(bind, tunnel, credentials, handshakeTimeout, maxUdpTargets, ListenerLimits.defaults(1));
    }

    /** Like {@link #start(InetSocketAddress, StreamOpener, Optional, Duration, int)} with explicit caps. */
    public static Socks5Server start(
            InetSocketAddress bind,
            StreamOpener tunnel,
            Optional<Credentials> credentials,
            Duration handshakeTimeout,
            int maxUdpTargets,
            ListenerLimits limits)
            throws IOException {
        return new Socks5Server(
                ConnectionListener.bind(bind, "SOCKS5 listener", limits.maxConnections()),
                tunnel,
                credentials,
                handshakeTimeout,
                maxUdpTargets,
                limits);
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    public Socks5Counters counters() {
        return counters;
    }

    /** Open client connections. */
    public int connectionCount() {
        return listener.connectionCount();
    }

    /** Open UDP associations. */
    public int udpAssociationCount() {
        return udpAssociations.get();
    }

    /** The listener under this server: accept errors, connections refused over the cap. */
    public ConnectionListener listener() {
        return listener;
    }

    private void serve(Socket socket) {
        String peer = AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress());
        Socks5Request request;
        ScheduledFuture<?> deadline =
                deadlines.schedule(() -> closeQuietly(socket), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            request = handshake(in, out, socket.getInetAddress(), peer);
            if (request == null) {
                return;
            }
        } catch (Socks5Exception e) {
            counters.handshakeFailures.increment();
            log.debug("SOCKS5 {}: handshake failed: {}", peer, e.getMessage());
            return;
        } catch (IOException e) {
            counters.handshakeFailures.increment();
            log.debug(
                    "SOCKS5 {}: handshake ended: {}",
                    peer,
                    socket.isClosed() && !listener.isClosed() ? "no request within " + handshakeTimeout : e.toString());
            return;
        } finally {
            deadline.cancel(false);
        }
        if (socket.isClosed()) {
            counters.handshakeFailures.increment();
            return;
        }
        switch (request.command()) {
            case Socks5.CMD_CONNECT -> connect(socket, request, peer);
            case Socks5.CMD_UDP_ASSOCIATE -> associate(socket, request, peer);
            default -> {
                counters.handshakeFailures.increment();
                log.debug("SOCKS5 {}: command 0x{} not supported", peer, Integer.toHexString(request.command()));
                writeQuietly(socket, Socks5Codec.failure(Socks5.REP_COMMAND_NOT_SUPPORTED));
            }
        }
    }

    /** Returns the request, or null when the client was already told why not. */
    private Socks5Request handshake(InputStream in, OutputStream out, InetAddress source, String peer)
            throws IOException {
        byte[] methods = Socks5Codec.readGreeting(in);
        int wanted = credentials.isPresent() ? Socks5.METHOD_USER_PASS : Socks5.METHOD_NO_AUTH;
        if (!offers(methods, wanted)) {
            out.write(new byte[] {Socks5.VERSION, (byte) Socks5.METHOD_NONE_ACCEPTABLE});
            counters.authFailures.increment();
            log.debug("SOCKS5 {}: client does not offer method 0x{}", peer, Integer.toHexString(wanted));
            return null;
        }
        out.write(new byte[] {Socks5.VERSION, (byte) wanted});
        if (credentials.isPresent()) {
            Credentials offered = Socks5Codec.readCredentials(in);
            if (!authThrottle.waitFor(source).isZero()) {
                // Still waiting out earlier failures: not even checked, so parallel guesses gain nothing.
                counters.authFailures.increment();
                counters.authThrottled.increment();
                out.write(new byte[] {Socks5.AUTH_VERSION, 1});
                return null;
            }
            boolean ok = credentials.get().matches(offered);
            out.write(new byte[] {Socks5.AUTH_VERSION, (byte) (ok ? 0 : 1)});
            if (!ok) {
                counters.authFailures.increment();
                Duration wait = authThrottle.failed(source);
                if (authFailureLog.permit()) {
                    log.info(
                            "SOCKS5 {}: wrong username or password; its next attempt is checked after {} ms"
                                    + " ({} failed authentications not logged since the last line)",
                            peer,
                            wait.toMillis(),
                            authFailureLog.takeSuppressed());
                }
                return null;
            }
            authThrottle.succeeded(source);
        }
        try {
            return Socks5Codec.readRequest(in);
        } catch (Socks5Exception e) {
            out.write(Socks5Codec.failure(e.replyCode()));
            throw e;
        }
    }

    private static boolean offers(byte[] methods, int wanted) {
        for (byte m : methods) {
            if ((m & 0xFF) == wanted) {
                return true;
            }
        }
        return false;
    }

    private void connect(Socket socket, Socks5Request request, String peer) {
        TunnelStream stream;
        try {
            stream = tunnel.openTcp(request.target());
        } catch (IOException e) {
            counters.tunnelFailures.increment();
            if (tunnelFailureLog.permit()) {
                log.warn(
                        "SOCKS5 {}: no tunnel stream for {} ({} more since the last line): {}",
                        peer,
                        request.target(),
                        tunnelFailureLog.takeSuppressed(),
                        e.getMessage());
            }
            writeQuietly(socket, Socks5Codec.failure(Socks5.REP_GENERAL_FAILURE));
            return;
        }
        try (stream) {
            // paqet's protocol has no dial result: success means the stream is open; a failed
            // dial on the server shows up as an immediately closed connection.
            socket.getOutputStream()
                    .write(Socks5Codec.reply(Socks5.REP_SUCCEEDED, (InetSocketAddress) socket.getLocalSocketAddress()));
            counters.handshakesOk.increment();
            log.debug("SOCKS5 {}: CONNECT {} on stream {}", peer, request.target(), stream.id());
            TcpRelay.run(socket, stream, "SOCKS5 " + peer + " -> " + request.target());
        } catch (IOException e) {
            log.debug("SOCKS5 {}: reply failed: {}", peer, e.toString());
        }
    }

    private void associate(Socket control, Socks5Request request, String peer) {
        if (udpAssociations.incrementAndGet() > limits.maxUdpAssociations()) {
            udpAssociations.decrementAndGet();
            counters.udpAssociationsRefused.increment();
            if (associationLimitLog.permit()) {
                log.warn(
                        "SOCKS5 {}: UDP ASSOCIATE refused, {} associations open ({} more since the last line)",
                        peer,
                        limits.maxUdpAssociations(),
                        associationLimitLog.takeSuppressed());
            }
            writeQuietly(control, Socks5Codec.failure(Socks5.REP_GENERAL_FAILURE));
            return;
        }
        try {
            serveAssociation(control, request, peer);
        } finally {
            udpAssociations.decrementAndGet();
        }
    }

    private void serveAssociation(Socket control, Socks5Request request, String peer) {
        UdpAssociation association;
        try {
            association =
                    UdpAssociation.open(control, request, tunnel, maxUdpTargets, counters, limits.udpIdleTimeout());
        } catch (IOException e) {
            if (udpRelayErrorLog.permit()) {
                log.warn(
                        "SOCKS5 {}: cannot open UDP relay ({} more since the last line): {}",
                        peer,
                        udpRelayErrorLog.takeSuppressed(),
                        e.toString());
            }
            writeQuietly(control, Socks5Codec.failure(Socks5.REP_GENERAL_FAILURE));
            return;
        }
        try (association) {
            control.getOutputStream().write(Socks5Codec.reply(Socks5.REP_SUCCEEDED, association.relayAddress()));
            counters.handshakesOk.increment();
            counters.udpAssociationsOpened.increment();
            log.debug("SOCKS5 {}: UDP ASSOCIATE relay {}", peer, AddressText.of(association.relayAddress()));
            association.start();
            // The association lives exactly as long as its control connection (RFC 1928 section 7).
            InputStream in = control.getInputStream();
            while (in.read() >= 0) {
                // Anything the client sends here is meaningless; reading only notices the close.
            }
        } catch (IOException e) {
            log.debug("SOCKS5 {}: UDP association ended: {}", peer, e.toString());
        }
    }

    private static void writeQuietly(Socket socket, byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
        } catch (IOException e) {
            log.trace(
                    "SOCKS5 {}: write failed: {}",
                    AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()),
                    e.toString());
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", socket, e.toString());
        }
    }

    /** Stops accepting new connections; open ones continue. */
    public void stopAccepting() {
        listener.stopAccepting();
    }

    /** Waits up to {@code timeout} for open connections to finish; true if none is left. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return listener.awaitDrained(timeout);
    }

    /** Stops accepting and closes every client connection (their streams close with them). */
    @Override
    public void close() {
        listener.close();
        deadlines.shutdownNow();
    }
}
