package org.paqet4j.jmh.kcp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * Two carriers joined in memory: each datagram is copied into the peer's bounded inbox and
 * dropped (like UDP) when the inbox is full. Measures KCP and the codec without any kernel.
 */
final class InMemoryCarrier implements PacketCarrier {
    private final InetSocketAddress local;
    private final ArrayBlockingQueue<byte[]> inbox;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private InMemoryCarrier peer;
    private volatile boolean closed;

    private InMemoryCarrier(InetSocketAddress local, int capacity) {
        this.local = local;
        this.inbox = new ArrayBlockingQueue<>(capacity);
    }

    static InMemoryCarrier[] pair(int capacity) {
        InMemoryCarrier a = new InMemoryCarrier(new InetSocketAddress("127.0.0.1", 10001), capacity);
        InMemoryCarrier b = new InMemoryCarrier(new InetSocketAddress("127.0.0.1", 10002), capacity);
        a.peer = b;
        b.peer = a;
        return new InMemoryCarrier[] {a, b};
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress to) throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        sent.increment();
        if (!peer.inbox.offer(copy)) {
            dropped.increment();
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws ClosedChannelException {
        try {
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                byte[] datagram = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (datagram != null) {
                    dst.put(datagram);
                    received.increment();
                    return peer.local;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    long dropped() {
        return dropped.sum();
    }

    @Override
    public CarrierCounters counters() {
        return new CarrierCounters.Snapshot(sent.sum(), 0, received.sum(), 0, 0, 0, 0, dropped.sum(), Map.of());
    }

    @Override
    public void close() {
        closed = true;
    }
}
