package org.paqet4j.kcp;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BiPredicate;

/**
 * Two {@link Kcp} endpoints joined by a lossy, reordering, duplicating network on a virtual clock.
 * Each endpoint is driven like {@link KcpSession} drives it: a full flush on every write (no write
 * delay), eager flushes inside input, and a timer flush when the delay {@code flush} returned is
 * due. Deterministic for a given seed.
 */
final class SimulatedLink {
    final class Endpoint {
        final Kcp kcp;
        final int id;
        long nextFlush = Long.MAX_VALUE;
        boolean receiving = true;
        long datagramsSent;
        long lastDeliveredOrder = -1;

        Endpoint(int id, int conv, KcpConfig config) {
            this.id = id;
            byte[] buffer = new byte[config.mtu()];
            this.kcp = new Kcp(conv, config, config.mtu(), buffer, 0, (buf, off, len) -> transmit(this, buf, off, len));
        }

        void flush() {
            int delay = kcp.flush((int) now, false);
            nextFlush = kcp.hasPendingWork() ? now + delay : Long.MAX_VALUE;
            if (kcp.hasPendingWork() && delay <= 0) {
                nextFlush = now + 1;
            }
        }

        int write(byte[] data, int off, int len) {
            int room = (kcp.sendWindow() - kcp.waitSnd()) * kcp.mss;
            int n = Math.max(0, Math.min(room, len));
            if (n > 0) {
                kcp.send(data, off, n);
                flush();
            }
            return n;
        }

        int read(byte[] dst, int off, int len) {
            int n = kcp.read(dst, off, len);
            if (kcp.wantsWindowTell()) {
                flush();
            }
            return n;
        }

        void deliver(byte[] datagram) {
            kcp.input(datagram, 0, datagram.length, (int) now, true, ackNoDelay);
            kcp.flushPending((int) now);
            if (kcp.hasPendingWork() && nextFlush == Long.MAX_VALUE) {
                nextFlush = now + interval;
            }
        }
    }

    private record InFlight(long at, long order, Endpoint to, byte[] datagram) implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    final Endpoint a;
    final Endpoint b;
    long now;
    private final Random random;
    private final PriorityQueue<InFlight> network = new PriorityQueue<>();
    private final int interval;
    private final boolean ackNoDelay;
    double loss;
    double duplicate;
    int oneWayDelayMs;
    int jitterMs;
    long dropped;
    /** Drops the datagrams it matches, on top of random loss. */
    BiPredicate<Endpoint, byte[]> dropFilter;

    long duplicated;
    /** Datagrams delivered after one that was sent later. */
    long reordered;

    private long order;

    SimulatedLink(KcpConfig config, long seed) {
        this.random = new Random(seed);
        this.interval = config.intervalMs();
        this.ackNoDelay = config.ackNoDelay();
        this.a = new Endpoint(0, 0x11223344, config);
        this.b = new Endpoint(1, 0x11223344, config);
    }

    private void transmit(Endpoint from, byte[] buf, int off, int len) {
        from.datagramsSent++;
        Endpoint to = from == a ? b : a;
        if (dropFilter != null && dropFilter.test(from, Arrays.copyOfRange(buf, off, off + len))) {
            dropped++;
            return;
        }
        if (random.nextDouble() < loss) {
            dropped++;
            return;
        }
        int copies = random.nextDouble() < duplicate ? 2 : 1;
        if (copies == 2) {
            duplicated++;
        }
        for (int i = 0; i < copies; i++) {
            byte[] datagram = Arrays.copyOfRange(buf, off, off + len);
            long at = now + oneWayDelayMs + (jitterMs > 0 ? random.nextInt(jitterMs + 1) : 0);
            network.add(new InFlight(at, order++, to, datagram));
        }
    }

    /** Advances the clock to the next event (delivery or timer) no later than {@code limit}. */
    boolean step(long limit) {
        long next = Math.min(a.nextFlush, b.nextFlush);
        InFlight head = network.peek();
        if (head != null) {
            next = Math.min(next, head.at);
        }
        if (next > limit) {
            now = limit;
            return false;
        }
        now = Math.max(now, next);
        while ((head = network.peek()) != null && head.at <= now) {
            network.poll();
            if (head.order < head.to.lastDeliveredOrder) {
                reordered++;
            }
            head.to.lastDeliveredOrder = Math.max(head.to.lastDeliveredOrder, head.order);
            if (head.to.receiving) {
                head.to.deliver(head.datagram);
            }
        }
        if (a.nextFlush <= now) {
            a.flush();
        }
        if (b.nextFlush <= now) {
            b.flush();
        }
        return true;
    }
}
