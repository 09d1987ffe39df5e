package org.paqet4j.kcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * Test carrier in memory. Records every {@link #sendBatch} call (and fails the test's expectations
 * through {@link #singleSends} if anything is sent one datagram at a time); received datagrams are
 * injected as bundles that arrive together, as a recvmmsg batch would.
 */
final class BundleCarrier implements PacketCarrier {
    private static final Arrival[] CLOSED = new Arrival[0];

    /** A datagram from {@code from}. */
    record Arrival(InetSocketAddress from, byte[] bytes) {}

    /** What one sendBatch call carried, each datagram copied. */
    record Call(InetSocketAddress peer, List<byte[]> datagrams) {}

    private final InetSocketAddress local;
    private final InetSocketAddress peer;
    private final List<Call> calls = new ArrayList<>();
    private final BlockingQueue<Arrival[]> bundles = new LinkedBlockingQueue<>();
    private int singleSends;
    private Arrival[] current = new Arrival[0];
    private int cursor;
    private volatile boolean closed;
    private volatile CountDownLatch held;
    private volatile CountDownLatch gate;

    /** @param peer the source every injected datagram comes from */
    BundleCarrier(InetSocketAddress peer) {
        this.local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        this.peer = peer;
    }

    /** Makes {@code datagrams} (from the default peer) arrive at once: the receiver finds all of them waiting. */
    void arrive(List<byte[]> datagrams) {
        arriveFrom(datagrams.stream().map(d -> new Arrival(peer, d)).toList());
    }

    /** Makes {@code arrivals} arrive at once, in this order. */
    void arriveFrom(List<Arrival> arrivals) {
        bundles.add(arrivals.toArray(new Arrival[0]));
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized int datagramsSent() {
        int n = singleSends;
        for (Call call : calls) {
            n += call.datagrams().size();
        }
        return n;
    }

    synchronized int singleSends() {
        return singleSends;
    }

    @Override
    public synchronized void send(ByteBuffer datagram, InetSocketAddress to) {
        datagram.position(datagram.limit());
        singleSends++;
        notifyAll();
    }

    /** From now on, sendBatch blocks (after announcing itself) until {@link #releaseSends}. */
    void holdSends() {
        held = new CountDownLatch(1);
        gate = new CountDownLatch(1);
    }

    /** Waits until a sendBatch call is blocked by {@link #holdSends}; false if none comes. */
    boolean awaitHeldSend() throws InterruptedException {
        return held.await(30, TimeUnit.SECONDS);
    }

    void releaseSends() {
        gate.countDown();
    }

    @Override
    public void sendBatch(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress to) {
        CountDownLatch g = gate;
        if (g != null) {
            held.countDown();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        record(datagrams, offset, count, to);
    }

    private synchronized void record(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress to) {
        List<byte[]> copies = new ArrayList<>(count);
        for (int i = offset; i < offset + count; i++) {
            byte[] copy = new byte[datagrams[i].remaining()];
            datagrams[i].get(copy);
            copies.add(copy);
        }
        calls.add(new Call(to, copies));
        notifyAll();
    }

    /** Waits (generously) until at least {@code n} datagrams were sent; false if they never were. */
    synchronized boolean awaitSent(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (datagramsSent() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        while (cursor == current.length) {
            try {
                current = bundles.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
            cursor = 0;
            if (current == CLOSED) {
                throw new ClosedChannelException();
            }
        }
        return take(dst);
    }

    private InetSocketAddress take(ByteBuffer dst) {
        Arrival arrival = current[cursor++];
        dst.put(arrival.bytes());
        return arrival.from();
    }

    @Override
    public InetSocketAddress receiveNow(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (cursor == current.length) {
            return null; // the next bundle has not arrived with this one
        }
        return take(dst);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public CarrierCounters counters() {
        return new CarrierCounters.Snapshot(datagramsSent(), 0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bundles.add(CLOSED);
        }
    }
}
