package org.paqet4j.tunnel.relay;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves datagrams between a tunnel stream (one datagram = one stream message) and a UDP socket,
 * the UDP counterpart of {@link TcpRelay}. Used by the server (a connected socket per target),
 * the UDP forward (replies to one local client) and the SOCKS5 UDP association (replies with the
 * SOCKS header in front, to the association's client only).
 *
 * <p>UDP has no connection to lose: a datagram the socket refuses (EMSGSIZE, ENOBUFS, no route)
 * is dropped and counted and the flow goes on, since ending it would cut every later datagram
 * too; an ICMP port unreachable from an earlier datagram is ignored. Only the stream ending or
 * the socket being closed ends a relay.
 */
public final class UdpRelay {

    private static final Logger log = LoggerFactory.getLogger(UdpRelay.class);
    /** The largest UDP payload; a stream message is never larger. */
    public static final int MAX_DATAGRAM = 65_535;

    /** Where the datagrams read from a stream go. */
    public interface DatagramSink {

        /** Sends {@code buf[0, len)} as one datagram. */
        void send(byte[] buf, int len) throws IOException;

        /** False once the socket is closed: a failed send then ends the relay instead of dropping one datagram. */
        boolean isOpen();
    }

    private UdpRelay() {}

    /**
     * Sends every message of {@code stream} to {@code sink} until the stream ends (returns) or
     * fails or the sink's socket closes (throws). Each message is read into {@code buffer} from
     * {@code offset} on, so whatever the caller keeps in {@code buffer[0, offset)} (a SOCKS UDP
     * header) goes out in front of it without another copy.
     *
     * @param dropped counts datagrams the socket refused
     * @param label   names the flow in log lines
     */
    public static void streamToSocket(
            TunnelStream stream, byte[] buffer, int offset, DatagramSink sink, LongAdder dropped, String label)
            throws IOException {
        int n;
        while ((n = stream.readMessage(buffer, offset)) >= 0) {
            try {
                sink.send(buffer, offset + n);
            } catch (PortUnreachableException e) {
                log.trace("{}: port unreachable", label);
            } catch (IOException e) {
                if (e instanceof ClosedChannelException || !sink.isOpen()) {
                    throw e;
                }
                dropped.increment();
                log.trace("{}: datagram of {} bytes dropped: {}", label, n, e.toString());
            }
        }
    }

    /**
     * Relays both ways between {@code stream} and a connected {@code channel} until the stream
     * ends or either side fails, then closes both (closing is what ends the other direction). The
     * peer ends a UDP flow with a full close, never a half-close, so the end of the stream ends the
     * replies too.
     */
    public static void run(DatagramChannel channel, TunnelStream stream, LongAdder dropped, String label) {
        Thread replies =
                Thread.ofVirtual().name("udp-back-" + stream.id()).start(() -> socketToStream(channel, stream, label));
        try {
            streamToSocket(
                    stream,
                    new byte[MAX_DATAGRAM],
                    0,
                    new DatagramSink() {
                        @Override
                        public void send(byte[] buf, int len) throws IOException {
                            channel.write(ByteBuffer.wrap(buf, 0, len));
                        }

                        @Override
                        public boolean isOpen() {
                            return channel.isOpen();
                        }
                    },
                    dropped,
                    label);
        } catch (IOException e) {
            log.debug("{}: stream {} ended: {}", label, stream.id(), e.toString());
        } finally {
            // Closing the stream too wakes a reply writer waiting for a window the closed peer
            // stream will never reopen.
            close(channel, label);
            stream.close();
        }
        try {
            replies.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void socketToStream(DatagramChannel channel, TunnelStream stream, String label) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                channel.read(buffer);
                // An empty datagram cannot cross smux (a zero-length write sends no frame).
                if (buffer.position() > 0) {
                    stream.writeMessage(buffer.array(), 0, buffer.position());
                }
            } catch (PortUnreachableException e) {
                log.trace("{}: port unreachable", label);
            } catch (IOException e) {
                log.trace("{}: socket -> stream {} ended: {}", label, stream.id(), e.toString());
                stream.close();
                return;
            }
        }
    }

    private static void close(DatagramChannel channel, String label) {
        try {
            channel.close();
        } catch (IOException e) {
            log.trace("{}: closing the socket: {}", label, e.toString());
        }
    }
}
