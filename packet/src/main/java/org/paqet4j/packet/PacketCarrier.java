package org.paqet4j.packet;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Moves whole datagrams between this host and its peers: each datagram is one KCP datagram,
 * carried either in a hand-crafted TCP packet (raw carrier) or in a UDP datagram (UDP carrier).
 *
 * <p>Threading: {@link #send} may be called from any thread concurrently; {@link #receive} is
 * called by one platform thread at a time (the owner's receive loop). {@link #close} may be called
 * from any thread and makes a blocked {@code receive} return promptly by throwing
 * {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Allocation: the raw carrier interns peer addresses, so receiving from a known peer returns
 * the same {@link InetSocketAddress} instance and allocates nothing (the UDP carrier gets a new
 * address object from the JDK per datagram).
 */
public interface PacketCarrier extends Closeable {

    /**
     * Sends {@code datagram}'s remaining bytes as one datagram to {@code peer}. The buffer's
     * position is advanced to its limit. Transient buffer exhaustion (ENOBUFS) is retried with
     * bounded backoff; if the datagram still cannot be sent an {@link IOException} is thrown, so a
     * caller never believes a dropped datagram was sent.
     */
    void send(ByteBuffer datagram, InetSocketAddress peer) throws IOException;

    /**
     * Sends {@code count} datagrams starting at {@code datagrams[offset]} to {@code peer}, batched
     * into as few system calls as the carrier can. Same guarantees as {@link #send}.
     */
    default void sendBatch(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress peer) throws IOException {
        for (int i = offset; i < offset + count; i++) {
            send(datagrams[i], peer);
        }
    }

    /**
     * Blocks until one datagram arrives, copies it into {@code dst} (from its position; a datagram
     * larger than {@code dst.remaining()} is truncated and counted) and returns its source.
     *
     * @throws java.nio.channels.ClosedChannelException once the carrier is closed
     */
    InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /**
     * As {@link #receive}, but only takes a datagram that is already waiting: returns null at once
     * when none is. Lets the receiving thread work through a burst as one batch (and flush once at
     * its end) without ever blocking in between. The default reports nothing waiting, so each
     * datagram is its own batch; the raw carrier returns what is left of its last recvmmsg batch or
     * ring pass.
     *
     * @throws java.nio.channels.ClosedChannelException once the carrier is closed
     */
    default InetSocketAddress receiveNow(ByteBuffer dst) throws IOException {
        return null;
    }

    /** The address peers send to: local IP and the tunnel port. */
    InetSocketAddress localAddress();

    /**
     * Where the TCP flags a client asked for (its TCPF stream) go: the raw carrier sends them to
     * that peer instead of its own; a carrier that does not emulate TCP returns {@link PeerFlags#IGNORE}.
     */
    default PeerFlags peerFlags() {
        return PeerFlags.IGNORE;
    }

    /** Live counters of this carrier. */
    CarrierCounters counters();

    /** Closes the carrier; idempotent. */
    @Override
    void close();
}
