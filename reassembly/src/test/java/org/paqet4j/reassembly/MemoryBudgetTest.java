package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Hostile traffic against a 16 MiB budget: the accounted memory never passes the budget, the heap
 * the reassembler retains (measured after a full GC) stays under budget + 8 MiB, and the pressure
 * shows up as EVICTED gaps or evicted connections rather than growth.
 */
class MemoryBudgetTest {

    private static final long BUDGET = 16L << 20;
    private static final long SLACK = 8L << 20;

    /** Counts events without keeping them, so the handler's own memory does not hide the reassembler's. */
    private static final class Counting implements StreamFactory, StreamHandler {
        final Map<GapCause, Long> gaps = new EnumMap<>(GapCause.class);
        long ends;

        @Override
        public StreamHandler open(StreamInfo stream) {
            return this;
        }

        @Override
        public void onEvent(Direction direction, StreamEvent event) {
            if (event instanceof StreamEvent.Gap g) {
                gaps.merge(g.cause(), 1L, Long::sum);
            } else if (event instanceof StreamEvent.End) {
                ends++;
            }
        }
    }

    private static Endpoint endpoint(int address, int port) {
        try {
            return new Endpoint(
                    InetAddress.getByAddress(
                            new byte[] {10, (byte) (address >> 16), (byte) (address >> 8), (byte) address}),
                    port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static long heapUsed() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Runs {@code traffic}, checking the accounted budget after every packet, and returns the retained heap. */
    private static long retained(OverlapPolicy policy, Counting counting, Consumer<Consumer<TcpSegment>> traffic) {
        ReassemblyConfig config = ReassemblyConfig.DEFAULTS
                .withMemoryBudget(BUDGET)
                .withPerConnectionCap(1 << 20)
                .withPolicy(policy);
        long before = heapUsed();
        TcpReassembler reassembler = new TcpReassembler(config, counting);
        traffic.accept(segment -> {
            reassembler.process(segment);
            if (reassembler.stats().memoryUsed() > BUDGET) {
                throw new AssertionError(
                        "accounted memory " + reassembler.stats().memoryUsed() + " > budget");
            }
        });
        long after = heapUsed();
        assertThat(reassembler.stats().memoryUsed()).isPositive(); // still holding its state while measured
        System.out.printf("%s: retained heap %d bytes, accounted %s%n", policy, after - before, reassembler.stats());
        reassembler.close();
        return after - before;
    }

    @Test
    void alternatingOneByteSegmentsOnManyConnections() {
        for (OverlapPolicy policy : OverlapPolicy.values()) {
            Counting counting = new Counting();
            long retained = retained(policy, counting, out -> {
                byte[] one = {42};
                for (int c = 0; c < 64; c++) {
                    Endpoint client = endpoint(c, 40_000);
                    Endpoint server = endpoint(1 << 16, 80);
                    out.accept(new TcpSegment(client, server, 0, 0, TcpSegment.SYN, 65_535, new byte[0], 0, 0));
                    for (int i = 0; i < 40_000; i++) {
                        // every other byte: nothing is ever contiguous
                        out.accept(new TcpSegment(client, server, 2 + 2 * i, 1, TcpSegment.ACK, 65_535, one, i, i));
                    }
                }
            });
            assertThat(retained).as(policy.name()).isLessThan(BUDGET + SLACK);
            assertThat(counting.gaps.get(GapCause.EVICTED)).as(policy.name()).isPositive();
        }
    }

    @Test
    void sequenceNumbersFarAheadOfTheWindow() {
        Random random = new Random(7);
        Counting counting = new Counting();
        long retained = retained(OverlapPolicy.BSD, counting, out -> {
            byte[] payload = new byte[1400];
            for (int i = 0; i < 200_000; i++) {
                Endpoint client = endpoint(i % 1000, 40_000);
                out.accept(new TcpSegment(
                        client,
                        endpoint(1 << 16, 80),
                        1 + random.nextInt(1 << 30),
                        1,
                        TcpSegment.ACK,
                        65_535,
                        payload,
                        i,
                        i));
            }
        });
        assertThat(retained).isLessThan(BUDGET + SLACK);
        assertThat(counting.gaps.get(GapCause.EVICTED)).isPositive();
    }

    @Test
    void synFloodEvictsTheLeastRecentlyActiveConnections() {
        Counting counting = new Counting();
        long retained = retained(OverlapPolicy.BSD, counting, out -> {
            Endpoint server = endpoint(1 << 16, 80);
            for (int i = 0; i < 500_000; i++) {
                out.accept(new TcpSegment(
                        endpoint(i, 1024 + i % 60_000), server, i, 0, TcpSegment.SYN, 65_535, new byte[0], i, i));
            }
        });
        assertThat(retained).isLessThan(BUDGET + SLACK);
        // every evicted connection ends both directions
        assertThat(counting.ends).isGreaterThan(2 * (500_000 - BUDGET / Connection.OVERHEAD));
    }
}
