package org.paqet4j.kcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.paqet4j.packet.PacketCarrier;

/**
 * Wire datagrams a flush produced, collected so that they reach the carrier in one
 * {@link PacketCarrier#sendBatch} call (one sendmmsg on the raw carrier) instead of one system call
 * each. Owned by one flushing thread (the timer thread or a carrier's receive thread) and used by
 * one session's flush at a time; its buffers are reused, so a steady flow allocates nothing.
 */
final class OutputBatch {
    /** As many datagrams as the raw carrier sends in one sendmmsg. */
    static final int CAPACITY = 64;

    /** Buffers start at a typical MTU and grow only for a larger datagram. */
    private static final int INITIAL_BUFFER = 1536;

    private final byte[][] buffers = new byte[CAPACITY][];
    private final ByteBuffer[] views = new ByteBuffer[CAPACITY];
    private int count;

    /** Copies {@code buf[offset, offset + length)} in; returns true if the batch is now full. */
    boolean add(byte[] buf, int offset, int length) {
        if (count == CAPACITY) {
            throw new IllegalStateException("output batch of " + CAPACITY + " datagrams is full");
        }
        byte[] slot = buffers[count];
        if (slot == null || slot.length < length) {
            slot = new byte[Math.max(length, INITIAL_BUFFER)];
            buffers[count] = slot;
            views[count] = ByteBuffer.wrap(slot);
        }
        System.arraycopy(buf, offset, slot, 0, length);
        views[count].clear().limit(length);
        count++;
        return count == CAPACITY;
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Hands every collected datagram to {@code carrier} in one call and empties the batch, also when
     * the carrier fails (what it could not send is retransmitted by KCP like any lost datagram).
     */
    void sendTo(PacketCarrier carrier, InetSocketAddress peer) throws IOException {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0;
        carrier.sendBatch(views, 0, n, peer);
    }
}
