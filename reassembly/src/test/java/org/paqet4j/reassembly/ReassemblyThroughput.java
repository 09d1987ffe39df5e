package org.paqet4j.reassembly;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A single-thread measurement of {@link TcpReassembler#process} on decoded segments: 1000 flows,
 * 100-byte segments, in order or with 10 % of segments swapped with the next. Besides wall time
 * it reports the thread's CPU time, which on a shared, loaded machine is the closer measure of
 * packets per second per core (the JMH benchmarks in the jmh module report wall time only).
 * Usage: {@code ReassemblyThroughput [SEGMENTS]}.
 */
public final class ReassemblyThroughput {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ReassemblyThroughput() {}

    public static void main(String[] args) throws UnknownHostException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        for (int reorderPercent : new int[] {0, 10}) {
            List<TcpSegment> segments = segments(count, reorderPercent);
            for (int round = 0; round < 4; round++) {
                long[] bytes = {0};
                TcpReassembler r = new TcpReassembler(ReassemblyConfig.DEFAULTS, info -> (d, e) -> {
                    if (e instanceof StreamEvent.Data data) {
                        bytes[0] += data.bytes().length;
                    }
                });
                long start = System.nanoTime();
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                for (TcpSegment s : segments) {
                    r.process(s);
                }
                r.close();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
                System.out.printf(
                        "reorder %d%%, round %d: %.2f M segments/s wall, %.2f M per CPU second (%d bytes delivered, %d out of order)%n",
                        reorderPercent,
                        round,
                        segments.size() / seconds / 1e6,
                        segments.size() / cpu / 1e6,
                        bytes[0],
                        r.stats().outOfOrderSegments());
            }
        }
    }

    private static List<TcpSegment> segments(int count, int reorderPercent) throws UnknownHostException {
        int flows = 1000;
        Endpoint server = new Endpoint(InetAddress.getByName("10.1.0.1"), 80);
        Endpoint[] clients = new Endpoint[flows];
        for (int f = 0; f < flows; f++) {
            clients[f] = new Endpoint(InetAddress.getByAddress(new byte[] {10, 2, (byte) (f >> 8), (byte) f}), 40_000);
        }
        byte[] payload = new byte[100];
        Random random = new Random(1);
        List<TcpSegment> out = new ArrayList<>(count);
        int[] next = new int[flows];
        for (int i = 0; i < count; i++) {
            int f = i % flows;
            out.add(new TcpSegment(clients[f], server, 1 + next[f], 1, TcpSegment.ACK, 65_535, payload, i, i));
            next[f] += 100;
        }
        // swap with the same flow's next segment (1000 positions later)
        for (int i = 0; i + flows < count; i++) {
            if (random.nextInt(100) < reorderPercent) {
                TcpSegment a = out.get(i);
                out.set(i, out.get(i + flows));
                out.set(i + flows, a);
                i++;
            }
        }
        return out;
    }
}
