package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * A flush that puts a whole window on the wire takes time (each datagram is encrypted and sent before the next), and
 * while it runs the ACKs that come back wait for the session lock, then are input one datagram after another. On a
 * virtual clock that advances one millisecond per datagram sent, with a loss-free link and a receiver that
 * acknowledges every datagram at once (fast3), the sender must not retransmit anything: its segments are timed from
 * when they leave, and the flush that follows each input ACK datagram does not decide timeouts while the ACKs behind
 * it still wait to be input.
 */
class KcpFlushClockTest {
    private static final int ONE_WAY_MS = 2;
    private static final int SEND_COST_MS = 1;
    private static final int SEGMENTS = 100;

    private record Datagram(int arrivesAt, long order, byte[] bytes) {}

    /** The two ends on one virtual clock; a datagram costs its sender {@link #SEND_COST_MS}. */
    private static final class Link {
        final int[] clock = {0};
        final KcpConfig config = KcpConfig.of(KcpMode.FAST3).withWindows(256, 256);
        final PriorityQueue<Datagram> toReceiver = byArrival();
        final PriorityQueue<Datagram> toSender = byArrival();
        long order;
        final Kcp sender;
        final Kcp receiver;

        /** @param senderReadsClock whether the sender's flush reads the clock after each datagram */
        Link(boolean senderReadsClock) {
            int mtu = config.mtu();
            Kcp.Clock senderClock = senderReadsClock ? () -> clock[0] : Kcp.NO_CLOCK;
            sender = new Kcp(
                    1,
                    config,
                    mtu,
                    new byte[mtu],
                    0,
                    (buf, off, len) -> {
                        toReceiver.add(datagram(clock[0] + ONE_WAY_MS, buf, off, len));
                        clock[0] += SEND_COST_MS;
                    },
                    MemoryBudget.unlimited(),
                    senderClock);
            receiver = new Kcp(
                    1,
                    config,
                    mtu,
                    new byte[mtu],
                    0,
                    (buf, off, len) -> toSender.add(datagram(clock[0] + ONE_WAY_MS, buf, off, len)));
        }

        private static PriorityQueue<Datagram> byArrival() {
            return new PriorityQueue<>((x, y) -> x.arrivesAt() != y.arrivesAt()
                    ? Integer.compare(x.arrivesAt(), y.arrivesAt())
                    : Long.compare(x.order(), y.order()));
        }

        private Datagram datagram(int arrivesAt, byte[] buf, int off, int len) {
            return new Datagram(arrivesAt, order++, Arrays.copyOfRange(buf, off, off + len));
        }

        /** The receiver takes every data datagram that has arrived by now and acknowledges it at once. */
        void receiverCatchesUp() {
            while (!toReceiver.isEmpty() && toReceiver.peek().arrivesAt() <= clock[0]) {
                byte[] bytes = toReceiver.poll().bytes();
                assertThat(receiver.input(bytes, 0, bytes.length, clock[0], true, config.ackNoDelay()))
                        .isEqualTo(Kcp.INPUT_OK);
                receiver.flushPending(clock[0]);
            }
        }

        /** The sender's receive thread inputs every ACK datagram that has arrived by now (it waited for the lock). */
        List<Integer> senderInputsArrivedAcks() {
            List<Integer> arrivals = new ArrayList<>();
            while (!toSender.isEmpty() && toSender.peek().arrivesAt() <= clock[0]) {
                Datagram ack = toSender.poll();
                arrivals.add(ack.arrivesAt());
                sender.input(ack.bytes(), 0, ack.bytes().length, clock[0], true, config.ackNoDelay());
                sender.flushPending(clock[0]);
            }
            return arrivals;
        }

        /**
         * Sends {@code segments} full segments in one flush (as a write does), then runs the link until all are
         * acknowledged: the receiver answers as datagrams arrive; the sender inputs ACKs only between its flushes,
         * so those that arrive during a flush wait for it to end, and its timer flushes every interval.
         */
        void sendWindowAndRun(int segments) {
            byte[] payload = new byte[segments * sender.mss];
            assertThat(sender.send(payload, 0, payload.length)).isZero();
            int flushStart = clock[0];
            sender.flush(flushStart, false);
            receiverDuring(flushStart, clock[0]);
            for (int rounds = 0; sender.waitSnd() > 0; rounds++) {
                assertThat(rounds).as("rounds until the window is acknowledged").isLessThan(1000);
                senderInputsArrivedAcks();
                int tickStart = clock[0];
                sender.flush(tickStart, false);
                receiverDuring(tickStart, clock[0]);
                clock[0] = Math.max(clock[0], tickStart + config.intervalMs());
                receiverCatchesUp();
            }
        }

        /** The receiver runs concurrently with the sender's flush from {@code from} to {@code to}. */
        private void receiverDuring(int from, int to) {
            int end = clock[0];
            for (int t = from; t <= to; t++) {
                clock[0] = t;
                receiverCatchesUp();
            }
            clock[0] = end;
        }
    }

    @Test
    void segmentsSentLateInALongFlushAreTimedFromWhenTheyLeave() {
        Link link = new Link(true);
        // One round trip first, so the RTO comes from a measured RTT, as in a running transfer.
        link.sendWindowAndRun(1);
        assertThat(link.sender.rto())
                .as("RTO after one round trip: the window's flush alone outlasts it")
                .isLessThan(SEGMENTS * SEND_COST_MS);

        link.sendWindowAndRun(SEGMENTS);

        assertThat(link.sender.retransmitsRto)
                .as("RTO retransmits on a loss-free link")
                .isZero();
        assertThat(link.receiver.duplicateSegments).isZero();
        assertThat(link.sender.waitSnd()).isZero();
    }

    @Test
    void withoutAClockTheWindowsTailIsRetransmittedBeforeItsAcksCanReturn() {
        // The behaviour the clock removes: every segment of the flush is timed from its start.
        Link link = new Link(false);
        link.sendWindowAndRun(1);
        assertThat(link.sender.rto()).isLessThan(SEGMENTS * SEND_COST_MS);

        link.sendWindowAndRun(SEGMENTS);

        assertThat(link.sender.retransmitsRto).isPositive();
        assertThat(link.receiver.duplicateSegments).isPositive();
    }
}
