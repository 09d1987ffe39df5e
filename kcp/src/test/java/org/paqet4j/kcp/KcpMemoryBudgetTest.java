package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * Two {@link Kcp} endpoints joined by a lossless in-memory link, the receiver counting against a small memory
 * budget: its advertised window closes while the budget is used up, the count matches what it holds, reading gives
 * everything back and a window update reopens the sender.
 */
class KcpMemoryBudgetTest {
    private static final KcpConfig CONFIG =
            KcpConfig.defaults().withWindows(128, 128).withMtu(1000);
    private static final int MSS = 1000 - Kcp.OVERHEAD;

    private final List<byte[]> toReceiver = new ArrayList<>();
    private final List<byte[]> toSender = new ArrayList<>();
    private final MemoryBudget budget = MemoryBudget.of(20L * MSS);
    private final Kcp sender = new Kcp(7, CONFIG, 1000, new byte[1000], 0, (b, o, l) -> toReceiver.add(copy(b, o, l)));
    private final Kcp receiver =
            new Kcp(7, CONFIG, 1000, new byte[1000], 0, (b, o, l) -> toSender.add(copy(b, o, l)), budget);
    private int now;

    @Test
    void windowClosesAtTheBudgetAndReadingReopensIt() {
        byte[] data = new byte[200 * MSS];
        new Random(3).nextBytes(data);
        assertThat(sender.send(data, 0, data.length)).isZero();
        exchange(200);

        // The receiver holds what windows it advertised let in, and tells the sender it has no room.
        assertThat(receiver.heldBytes()).isEqualTo(budget.used()).isGreaterThanOrEqualTo(20L * MSS);
        assertThat(budget.used()).isLessThan(20L * MSS + (long) CONFIG.rcvwnd() * MSS);
        assertThat(sender.remoteWindow()).isZero();
        long held = budget.used();
        exchange(100);
        assertThat(budget.used())
                .as("nothing more arrives while the window is closed")
                .isEqualTo(held);

        // Reading everything gives it back; the window update lets the rest through, all bytes in order.
        byte[] got = new byte[data.length];
        int n = 0;
        for (int round = 0; round < 2000 && n < data.length; round++) {
            n += receiver.read(got, n, got.length - n);
            exchange(1);
        }
        assertThat(n).isEqualTo(data.length);
        assertThat(got).isEqualTo(data);
        assertThat(budget.used()).isZero();
        assertThat(receiver.heldBytes()).isZero();
    }

    @Test
    void releaseReceivedGivesEverythingBack() {
        byte[] data = new byte[50 * MSS];
        sender.send(data, 0, data.length);
        exchange(50);
        assertThat(budget.used()).isPositive();
        receiver.releaseReceived();
        assertThat(budget.used()).isZero();
        assertThat(receiver.heldBytes()).isZero();
        assertThat(receiver.readable()).isZero();
    }

    /** {@code rounds} of: both flush, datagrams delivered both ways, 10 ms pass. */
    private void exchange(int rounds) {
        for (int i = 0; i < rounds; i++) {
            sender.flush(now, false);
            receiver.flush(now, false);
            deliver(toReceiver, receiver);
            deliver(toSender, sender);
            now += 10;
        }
    }

    private void deliver(List<byte[]> queue, Kcp to) {
        List<byte[]> batch = new ArrayList<>(queue);
        queue.clear();
        for (byte[] d : batch) {
            to.input(d, 0, d.length, now, true, false);
            to.flushPending(now);
        }
    }

    private static byte[] copy(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }
}
