package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PeerFlags;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.relay.UdpRelay;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel server: serves sessions handed to it by the transport's listener. For every stream
 * it reads the paqet header within {@link ServerLimits#headerTimeout()}, then answers PING, stores
 * TCPF flags, or dials the TCP/UDP target (after the access rules) and relays both ways. One
 * virtual thread per stream, blocking I/O.
 */
public final class TunnelServer implements ServerMode {

    private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);

    private final ServerLimits limits;
    private final TargetDialer dialer;
    private final PeerFlags peerFlags;
    private final ServerCounters counters = new ServerCounters();
    private final SessionServer sessions;
    private final LogThrottle deniedLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle headerErrorLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle dialFailureLog = new LogThrottle(Duration.ofSeconds(10));

    public TunnelServer(ServerLimits limits, AccessRules rules, HostResolver resolver, PeerFlags peerFlags) {
        this.limits = limits;
        this.dialer = new TargetDialer(rules, resolver, limits.dialTimeout());
        this.peerFlags = peerFlags;
        this.sessions = new SessionServer("", limits, counters, this);
    }

    @Override
    public SessionServer sessions() {
        return sessions;
    }

    @Override
    public void sessionClosed(TunnelSession session) {
        peerFlags.clear(session.remoteAddress());
    }

    /**
     * Reads the header and acts on it. While the server is closing, PING and TCPF are still
     * answered (the client keeps the session the drain is waiting on), new TCP/UDP are refused.
     */
    @Override
    public void handle(SessionServer server, TunnelSession session, TunnelStream stream) {
        StreamHeader header;
        try {
            header = StreamHeaderReader.read(new HeaderDeadline(stream, limits.headerTimeout()));
            stream.setReadTimeout(Duration.ZERO);
        } catch (InterruptedIOException e) {
            headerError(session, stream, "no header within " + limits.headerTimeout());
            return;
        } catch (IOException e) {
            headerError(session, stream, "bad header: " + e.getMessage());
            return;
        }
        switch (header) {
            case StreamHeader.Ping ignored -> pong(session, stream);
            case StreamHeader.Tcpf tcpf -> {
                if (tcpf.masks().length == 0) {
                    peerFlags.clear(session.remoteAddress());
                } else {
                    peerFlags.set(session.remoteAddress(), tcpf.masks());
                }
                log.debug("session from {}: TCP flags {}", AddressText.of(session.remoteAddress()), tcpf);
            }
            case StreamHeader.Tcp tcp when server.isClosing() -> server.refuseWhileClosing(session, stream, tcp);
            case StreamHeader.Udp udp when server.isClosing() -> server.refuseWhileClosing(session, stream, udp);
            case StreamHeader.Tcp tcp -> relayTcp(session, stream, tcp.target());
            case StreamHeader.Udp udp -> relayUdp(session, stream, udp.target());
            case StreamHeader.Pong ignored -> headerError(session, stream, "unexpected PONG header");
        }
    }

    /** Counts and logs a stream refused for its header; a client holding the key can send these as fast as it likes. */
    private void headerError(TunnelSession session, TunnelStream stream, String what) {
        counters.headerErrors.increment();
        if (headerErrorLog.permit()) {
            log.warn(
                    "stream {} from {}: {} ({} more header errors not logged)",
                    stream.id(),
                    AddressText.of(session.remoteAddress()),
                    what,
                    headerErrorLog.takeSuppressed());
        }
    }

    private void pong(TunnelSession session, TunnelStream stream) {
        counters.pings.increment();
        try {
            StreamHeaderWriter.write(new StreamHeader.Pong(), stream.outputStream());
            stream.closeWrite();
        } catch (IOException e) {
            log.debug(
                    "stream {} from {}: PONG failed: {}",
                    stream.id(),
                    AddressText.of(session.remoteAddress()),
                    e.toString());
        }
    }

    /** One dial attempt of a target; denied and failed dials are counted and logged here. */
    @FunctionalInterface
    private interface Dial<T> {
        T to(Target target) throws IOException;
    }

    /** Dials {@code target}, or returns null after counting and logging why it could not. */
    private <T> T dial(TunnelSession session, TunnelStream stream, Target target, Dial<T> dial) {
        try {
            T connected = dial.to(target);
            counters.dialsOk.increment();
            return connected;
        } catch (TargetDeniedException e) {
            counters.deniedTargets.increment();
            // A client holding the key can ask for denied targets as fast as it likes.
            if (deniedLog.permit()) {
                log.warn(
                        "stream {} from {}: {} ({} more denials not logged)",
                        stream.id(),
                        AddressText.of(session.remoteAddress()),
                        e.getMessage(),
                        deniedLog.takeSuppressed());
            }
        } catch (IOException e) {
            counters.dialFailures.increment();
            if (e instanceof SocketTimeoutException) {
                counters.dialTimeouts.increment();
            }
            // The message names the protocol, the target, the address tried and the reason. A client
            // can ask for unreachable targets as fast as it likes: one line per interval.
            if (dialFailureLog.permit()) {
                log.info(
                        "stream {} from {}: dial failed: {} ({} more failed dials not logged)",
                        stream.id(),
                        AddressText.of(session.remoteAddress()),
                        e.getMessage(),
                        dialFailureLog.takeSuppressed());
            }
        }
        return null;
    }

    private void relayTcp(TunnelSession session, TunnelStream stream, Target target) {
        counters.tcpStreams.increment();
        Socket socket = dial(session, stream, target, dialer::dialTcp);
        if (socket == null) {
            return;
        }
        log.debug(
                "stream {} from {}: TCP {} via {}",
                stream.id(),
                AddressText.of(session.remoteAddress()),
                target,
                AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()));
        try (socket) {
            TcpRelay.run(socket, stream, "stream " + stream.id() + " -> " + target);
        } catch (IOException e) {
            log.trace("closing socket to {}: {}", target, e.toString());
        }
    }

    private void relayUdp(TunnelSession session, TunnelStream stream, Target target) {
        counters.udpStreams.increment();
        DatagramChannel channel = dial(session, stream, target, dialer::dialUdp);
        if (channel == null) {
            return;
        }
        log.debug("stream {} from {}: UDP {}", stream.id(), AddressText.of(session.remoteAddress()), target);
        UdpRelay.run(channel, stream, counters.udpDropped, "stream " + stream.id() + " -> UDP " + target);
    }
}
