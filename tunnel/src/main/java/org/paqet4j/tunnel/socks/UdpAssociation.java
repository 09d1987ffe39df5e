package org.paqet4j.tunnel.socks;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.UdpRelay;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS5 UDP association: a relay socket on the control connection's local address that
 * accepts datagrams only from the association's client, one tunnel UDP stream per target (one
 * datagram = one stream message), and replies sent back with the SOCKS UDP header of the target.
 *
 * <p>The client is the control connection's IP; the request's DST.ADDR is never trusted as an
 * address (an authenticated user could aim the replies at a third party with it), only a non-zero
 * DST.PORT pins the source port. Replies go only to the address the client's datagrams came from.
 * An association that moved no datagram either way for the idle timeout closes itself, control
 * connection included.
 */
final class UdpAssociation implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UdpAssociation.class);
    private static final int MAX_DATAGRAM = UdpRelay.MAX_DATAGRAM;
    /**
     * The receive buffer an association starts with: enough for any datagram over an Ethernet
     * path. It grows to {@link #MAX_DATAGRAM} the first time a datagram fills it (that one may be
     * truncated and is dropped), so thousands of idle associations do not hold 64 KiB each.
     */
    static final int INITIAL_BUFFER = 2048;

    private final DatagramSocket relay;
    private final StreamOpener tunnel;
    private final int maxTargets;
    private final Socks5Counters counters;
    private final Socket control;
    private final InetAddress clientAddress;
    /** The source port the request declared, 0 when it did not (then learned from the first datagram). */
    private final int declaredPort;
    /** Where the client's datagrams come from, set by the first one accepted; replies go only here. */
    private volatile InetSocketAddress clientSource;

    private final long idleNanos;
    private volatile long lastActive = System.nanoTime();
    private final Map<Target, TunnelStream> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread receiver;

    private UdpAssociation(
            DatagramSocket relay,
            StreamOpener tunnel,
            int maxTargets,
            Socks5Counters counters,
            Socket control,
            int declaredPort,
            Duration idleTimeout) {
        this.relay = relay;
        this.tunnel = tunnel;
        this.maxTargets = maxTargets;
        this.counters = counters;
        this.control = control;
        this.clientAddress = control.getInetAddress();
        this.declaredPort = declaredPort;
        this.idleNanos = idleTimeout.toNanos();
    }

    static UdpAssociation open(
            Socket control,
            Socks5Request request,
            StreamOpener tunnel,
            int maxTargets,
            Socks5Counters counters,
            Duration idleTimeout)
            throws IOException {
        DatagramSocket relay = new DatagramSocket(new InetSocketAddress(control.getLocalAddress(), 0));
        try {
            // Wake up now and then to notice an idle association; a datagram resets the clock.
            relay.setSoTimeout((int) Math.clamp(idleTimeout.toMillis() / 4, 1, 5_000));
        } catch (IOException e) {
            relay.close();
            throw e;
        }
        return new UdpAssociation(
                relay, tunnel, maxTargets, counters, control, request.target().port(), idleTimeout);
    }

    InetSocketAddress relayAddress() {
        return (InetSocketAddress) relay.getLocalSocketAddress();
    }

    void start() {
        receiver = Thread.ofVirtual().name("socks5-udp-" + relay.getLocalPort()).start(this::receiveLoop);
    }

    private void receiveLoop() {
        byte[] buf = new byte[INITIAL_BUFFER];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setData(buf);
                relay.receive(packet);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() - lastActive > idleNanos) {
                    counters.udpIdleClosed.increment();
                    log.debug(
                            "SOCKS5 UDP relay {}: idle for {} ms, closing",
                            AddressText.of(relayAddress()),
                            idleNanos / 1_000_000);
                    endAssociation();
                    return;
                }
                continue;
            } catch (IOException e) {
                if (!closed) {
                    log.debug("SOCKS5 UDP relay {}: receive failed: {}", AddressText.of(relayAddress()), e.toString());
                    endAssociation();
                }
                return;
            }
            if (!fromClient(packet.getSocketAddress())) {
                counters.udpForeignDropped.increment();
                continue;
            }
            if (packet.getLength() == buf.length && buf.length < MAX_DATAGRAM) {
                // Filled the small buffer: possibly truncated, so dropped; later ones fit.
                counters.udpMalformedDropped.increment();
                buf = new byte[MAX_DATAGRAM];
                continue;
            }
            lastActive = System.nanoTime();
            Socks5Datagram datagram;
            try {
                datagram = Socks5Codec.decodeDatagram(buf, packet.getLength());
            } catch (Socks5Exception e) {
                counters.udpMalformedDropped.increment();
                log.debug("SOCKS5 UDP relay {}: dropped: {}", AddressText.of(relayAddress()), e.getMessage());
                continue;
            }
            if (datagram.fragment() != 0) {
                counters.udpFragmentsDropped.increment();
                continue;
            }
            if (datagram.dataLength() == 0) {
                // An empty datagram cannot cross smux (a zero-length write sends no frame).
                counters.udpMalformedDropped.increment();
                continue;
            }
            forward(datagram, buf);
        }
    }

    /** Only the control connection's IP, from the declared port if any, and then always the same port. */
    private boolean fromClient(SocketAddress source) {
        InetSocketAddress from = (InetSocketAddress) source;
        if (!from.getAddress().equals(clientAddress)) {
            return false;
        }
        if (declaredPort != 0 && from.getPort() != declaredPort) {
            return false;
        }
        InetSocketAddress expected = clientSource;
        if (expected == null) {
            clientSource = from;
            return true;
        }
        return expected.getPort() == from.getPort();
    }

    /** Ends the association from inside (idle, socket failure): closing the control connection ends its owner too. */
    private void endAssociation() {
        closed = true;
        relay.close();
        streams.values().forEach(TunnelStream::close);
        try {
            control.close();
        } catch (IOException e) {
            log.trace("closing SOCKS5 control connection {}: {}", control, e.toString());
        }
    }

    private void forward(Socks5Datagram datagram, byte[] buf) {
        TunnelStream stream = streams.get(datagram.target());
        if (stream == null) {
            if (streams.size() >= maxTargets) {
                counters.udpTargetLimitDropped.increment();
                return;
            }
            try {
                stream = tunnel.openUdp(datagram.target());
            } catch (IOException e) {
                counters.tunnelFailures.increment();
                log.debug(
                        "SOCKS5 UDP relay {}: no stream for {}: {}",
                        AddressText.of(relayAddress()),
                        datagram.target(),
                        e.getMessage());
                return;
            }
            streams.put(datagram.target(), stream);
            TunnelStream opened = stream;
            Thread.ofVirtual()
                    .name("socks5-udp-back-" + stream.id())
                    .start(() -> receiveReplies(datagram.target(), opened));
        }
        try {
            stream.writeMessage(buf, datagram.dataOffset(), datagram.dataLength());
        } catch (IOException e) {
            log.debug(
                    "SOCKS5 UDP relay {}: stream to {} failed: {}",
                    AddressText.of(relayAddress()),
                    datagram.target(),
                    e.toString());
            streams.remove(datagram.target(), stream);
            stream.close();
        }
    }

    private void receiveReplies(Target target, TunnelStream stream) {
        // The SOCKS UDP header stays in front; each reply is read right behind it and sent from there.
        byte[] header = Socks5Codec.datagramHeader(target);
        byte[] buf = new byte[header.length + MAX_DATAGRAM];
        System.arraycopy(header, 0, buf, 0, header.length);
        try {
            UdpRelay.streamToSocket(
                    stream,
                    buf,
                    header.length,
                    new UdpRelay.DatagramSink() {
                        @Override
                        public void send(byte[] datagram, int len) throws IOException {
                            lastActive = System.nanoTime();
                            // Only where the client's datagrams come from: never a third party.
                            InetSocketAddress to = clientSource;
                            if (to != null) {
                                relay.send(new DatagramPacket(datagram, len, to));
                            }
                        }

                        @Override
                        public boolean isOpen() {
                            return !relay.isClosed();
                        }
                    },
                    counters.udpRepliesDropped,
                    "SOCKS5 UDP relay " + AddressText.of(relayAddress()) + " <- " + target);
        } catch (IOException e) {
            if (!closed) {
                log.debug(
                        "SOCKS5 UDP relay {}: replies from {} ended: {}",
                        AddressText.of(relayAddress()),
                        target,
                        e.toString());
            }
        } finally {
            streams.remove(target, stream);
            stream.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        relay.close();
        streams.values().forEach(TunnelStream::close);
        streams.clear();
        if (receiver != null) {
            try {
                receiver.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
