package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * Impairs what a carrier sends, like {@code tc netem} would (this kernel has no sch_netem): each
 * datagram is dropped with probability {@code loss}, else sent after {@code delay} plus a random
 * jitter in [0, jitter) — jitter larger than the gap between datagrams reorders them.
 */
public final class ImpairedCarrier implements PacketCarrier {

    private final PacketCarrier delegate;
    private final double loss;
    private final long delayMicros;
    private final long jitterMicros;
    private final ScheduledExecutorService timer;
    public final LongAdder dropped = new LongAdder();

    public ImpairedCarrier(PacketCarrier delegate, double loss, long delayMillis, long jitterMillis) {
        this.delegate = delegate;
        this.loss = loss;
        this.delayMicros = delayMillis * 1000;
        this.jitterMicros = jitterMillis * 1000;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("impair").factory());
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress peer) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < loss) {
            datagram.position(datagram.limit());
            dropped.increment();
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).put(datagram).flip();
        long at = delayMicros + (jitterMicros > 0 ? random.nextLong(jitterMicros) : 0);
        timer.schedule(() -> {
            try {
                delegate.send(copy, peer);
            } catch (IOException e) {
                // Lost like any datagram the network drops.
            }
        }, at, TimeUnit.MICROSECONDS);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return delegate.receive(dst);
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public void setPeerFlags(InetSocketAddress peer, short[] flagMasks) {
        delegate.setPeerFlags(peer, flagMasks);
    }

    @Override
    public CarrierCounters counters() {
        return delegate.counters();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        delegate.close();
    }
}
