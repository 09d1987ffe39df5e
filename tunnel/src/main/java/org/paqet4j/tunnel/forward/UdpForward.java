package org.paqet4j.tunnel.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.UdpRelay;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP port forward: one tunnel UDP stream per client address (one datagram = one stream
 * message), closed after {@code idleTimeout} without traffic in either direction.
 */
public final class UdpForward implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UdpForward.class);
    private static final int MAX_DATAGRAM = UdpRelay.MAX_DATAGRAM;
    /** Wait after a failed receive before the next one. */
    private static final Duration RECEIVE_RETRY = Duration.ofMillis(50);

    private final DatagramChannel channel;
    private final Target target;
    private final StreamOpener tunnel;
    private final long idleNanos;
    private final int maxSessions;
    private final Map<SocketAddress, Session> sessions = new ConcurrentHashMap<>();
    private final LongAdder droppedSessionLimit = new LongAdder();
    private final LongAdder droppedNoTunnel = new LongAdder();
    private final LongAdder droppedReplies = new LongAdder();
    private final LongAdder receiveErrors = new LongAdder();
    private final LogThrottle receiveErrorLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle noTunnelLog = new LogThrottle(Duration.ofSeconds(10));
    private final Thread receiver;
    private final Thread sweeper;
    private volatile boolean closed;

    private final class Session {
        final SocketAddress client;
        final TunnelStream stream;
        volatile long lastActive = System.nanoTime();

        Session(SocketAddress client, TunnelStream stream) {
            this.client = client;
            this.stream = stream;
        }

        void replies() {
            ByteBuffer out = ByteBuffer.allocate(MAX_DATAGRAM);
            try {
                UdpRelay.streamToSocket(
                        stream,
                        out.array(),
                        0,
                        new UdpRelay.DatagramSink() {
                            @Override
                            public void send(byte[] buf, int len) throws IOException {
                                lastActive = System.nanoTime();
                                channel.send(out.clear().limit(len), client);
                            }

                            @Override
                            public boolean isOpen() {
                                return channel.isOpen();
                            }
                        },
                        droppedReplies,
                        "UDP forward " + client + " <- " + target);
            } catch (IOException e) {
                log.trace("UDP forward {} <- {}: {}", client, target, e.toString());
            } finally {
                end();
            }
        }

        void end() {
            sessions.remove(client, this);
            stream.close();
        }
    }

    private UdpForward(
            DatagramChannel channel, Target target, StreamOpener tunnel, Duration idleTimeout, int maxSessions) {
        this.channel = channel;
        this.target = target;
        this.tunnel = tunnel;
        this.idleNanos = idleTimeout.toNanos();
        this.maxSessions = maxSessions;
        int port = ((InetSocketAddress) localAddressOf(channel)).getPort();
        this.receiver = Thread.ofVirtual().name("forward-udp-" + port).start(this::receiveLoop);
        this.sweeper = Thread.ofVirtual().name("forward-udp-idle-" + port).start(this::sweepLoop);
    }

    public static UdpForward start(
            InetSocketAddress bind, Target target, StreamOpener tunnel, Duration idleTimeout, int maxSessions)
            throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(bind);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind UDP forward to " + AddressText.of(bind) + ": " + e.getMessage(), e);
        }
        return new UdpForward(channel, target, tunnel, idleTimeout, maxSessions);
    }

    private static SocketAddress localAddressOf(DatagramChannel channel) {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("bound channel has no local address", e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) localAddressOf(channel);
    }

    public Target target() {
        return target;
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Datagrams dropped because {@code maxSessions} client addresses were already active. */
    public long droppedSessionLimit() {
        return droppedSessionLimit.sum();
    }

    /** Datagrams dropped because no tunnel stream could be opened. */
    public long droppedNoTunnel() {
        return droppedNoTunnel.sum();
    }

    /** Replies from the tunnel the local socket refused to send to the client (too large, no buffer space). */
    public long droppedReplies() {
        return droppedReplies.sum();
    }

    private void receiveLoop() {
        ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            SocketAddress client;
            try {
                in.clear();
                client = channel.receive(in);
            } catch (IOException e) {
                if (closed || !channel.isOpen()) {
                    return;
                }
                // A transient failure (no memory, fd limit) must not end the forward for good.
                receiveErrors.increment();
                if (receiveErrorLog.permit()) {
                    log.warn(
                            "UDP forward {}: receive failed ({} more since the last line), retrying: {}",
                            localAddress(),
                            receiveErrorLog.takeSuppressed(),
                            e.toString());
                }
                sleepQuietly(RECEIVE_RETRY);
                continue;
            }
            if (in.position() == 0) {
                // An empty datagram cannot cross smux (a zero-length write sends no frame).
                continue;
            }
            Session session = sessions.get(client);
            if (session == null) {
                session = open(client);
                if (session == null) {
                    continue;
                }
            }
            session.lastActive = System.nanoTime();
            try {
                session.stream.writeMessage(in.array(), 0, in.position());
            } catch (IOException e) {
                log.debug("UDP forward {} -> {}: {}", client, target, e.toString());
                session.end();
            }
        }
    }

    private Session open(SocketAddress client) {
        if (sessions.size() >= maxSessions) {
            droppedSessionLimit.increment();
            return null;
        }
        TunnelStream stream;
        try {
            stream = tunnel.openUdp(target);
        } catch (IOException e) {
            droppedNoTunnel.increment();
            if (noTunnelLog.permit()) {
                log.warn(
                        "UDP forward {} -> {} ({} more since the last line): {}",
                        client,
                        target,
                        noTunnelLog.takeSuppressed(),
                        e.getMessage());
            }
            return null;
        }
        Session session = new Session(client, stream);
        sessions.put(client, session);
        Thread.ofVirtual().name("forward-udp-back-" + stream.id()).start(session::replies);
        log.debug("UDP forward {} -> {} on stream {}", client, target, stream.id());
        return session;
    }

    /** Receives that failed and were retried. */
    public long receiveErrors() {
        return receiveErrors.sum();
    }

    private static void sleepQuietly(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            // close() ends the loop through the closed flag.
        }
    }

    /** Closes idle sessions; wakes every quarter of the idle timeout, not a busy poll. */
    private void sweepLoop() {
        long period = Math.max(idleNanos / 4, 1_000_000L);
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(period));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Session session : sessions.values()) {
                if (now - session.lastActive > idleNanos) {
                    log.debug(
                            "UDP forward {} -> {}: idle, closing stream {}",
                            session.client,
                            target,
                            session.stream.id());
                    session.end();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.trace("closing UDP forward channel: {}", e.toString());
        }
        sweeper.interrupt();
        sessions.values().forEach(Session::end);
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
