package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentPoolTest {

    @Test
    void returnedSegmentsAreHandedOutAgainReset() {
        SegmentPool pool = new SegmentPool(1000, 8);
        Segment first = pool.take(1000);
        first.sn = 7;
        first.len = 500;
        first.xmit = 3;
        first.acked = true;
        pool.give(first);

        Segment again = pool.take(1000);

        assertThat(again).isSameAs(first);
        assertThat(again.len).isZero();
        assertThat(again.xmit).isZero();
        assertThat(again.acked).isFalse();
        assertThat(pool.allocated()).isEqualTo(1);
    }

    @Test
    void keepsNoMoreThanItsBoundAndAllocatesOnlyWhatWasMissing() {
        SegmentPool pool = new SegmentPool(100, 4);
        List<Segment> taken = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            taken.add(pool.take(100));
        }
        taken.forEach(pool::give);

        assertThat(pool.pooled()).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            pool.take(100);
        }
        assertThat(pool.allocated()).as("10 at first, then 6 beyond the 4 kept").isEqualTo(16);
    }

    @Test
    void returningASegmentTwiceFailsInsteadOfHandingItOutTwice() {
        SegmentPool pool = new SegmentPool(100, 4);
        Segment segment = pool.take(100);
        segment.sn = 42;
        pool.give(segment);

        assertThatThrownBy(() -> pool.give(segment))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice");
        assertThat(pool.pooled()).isEqualTo(1);
    }

    @Test
    void aSegmentIsNeverHandedOutWhileSomeoneHoldsIt() {
        SegmentPool pool = new SegmentPool(64, 32);
        Random random = new Random(5);
        IdentityHashMap<Segment, Boolean> held = new IdentityHashMap<>();
        List<Segment> order = new ArrayList<>();
        for (int step = 0; step < 10_000; step++) {
            if (order.isEmpty() || random.nextInt(3) != 0) {
                Segment s = pool.take(64);
                assertThat(held.put(s, Boolean.TRUE))
                        .as("handed out while held")
                        .isNull();
                order.add(s);
            } else {
                Segment s = order.remove(random.nextInt(order.size()));
                held.remove(s);
                pool.give(s);
            }
        }
        assertThat(pool.pooled()).isLessThanOrEqualTo(32);
    }

    @Test
    void oversizedSegmentsAreNotKept() {
        SegmentPool pool = new SegmentPool(100, 4);
        Segment big = pool.take(150);
        assertThat(big.data.length).isEqualTo(150);

        pool.give(big);

        assertThat(pool.pooled()).isZero();
        assertThat(pool.take(100).data.length).isEqualTo(100);
    }

    @Test
    void trimDropsEverything() {
        SegmentPool pool = new SegmentPool(100, 64);
        List<Segment> taken = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            taken.add(pool.take(100));
        }
        taken.forEach(pool::give);
        assertThat(pool.pooled()).isEqualTo(40);

        pool.trim();

        assertThat(pool.pooled()).isZero();
        assertThat(pool.take(100)).isNotIn(taken);
    }

    @Test
    void aLongTransferCreatesNoMoreSegmentsThanTheWindowsHold() {
        KcpConfig config = KcpConfig.defaults().withWindows(256, 256);
        SimulatedLink link = new SimulatedLink(config, 11);
        link.oneWayDelayMs = 20;
        byte[] chunk = new byte[64 * 1024];
        byte[] readBuf = new byte[64 * 1024];

        long total = 40L << 20;
        move(link, total, chunk, readBuf);

        long segmentsMoved = total / link.a.kcp.mss;
        assertThat(segmentsMoved).isGreaterThan(30_000);
        // Without reuse each of the ~30,000 segments would be a new object on both sides.
        assertThat(link.a.kcp.segmentsAllocated()).as("sender segments created").isLessThanOrEqualTo(256 + 256);
        assertThat(link.b.kcp.segmentsAllocated())
                .as("receiver segments created")
                .isLessThanOrEqualTo(256 + 256);
    }

    private static void move(SimulatedLink link, long total, byte[] chunk, byte[] readBuf) {
        long written = 0;
        long read = 0;
        while (read < total) {
            if (written < total) {
                written += link.a.write(chunk, 0, (int) Math.min(chunk.length, total - written));
            }
            int n;
            while ((n = link.b.read(readBuf, 0, readBuf.length)) > 0) {
                read += n;
            }
            link.step(link.now + 1_000);
        }
    }
}
