package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;

/**
 * {@code paqet follow -r FILE --format jsonl} without the JVM start, output discarded, ROUNDS
 * times: packets per second by wall time and per CPU second of the reading thread (garbage
 * collection threads not included). Usage: {@code FollowThroughput FILE [ROUNDS [LINGER_MS [HOLD_MIB [THREADS]]]]}; a
 * linger of 0 keeps closed connections to the end of the capture (the behaviour before the linger
 * time existed), so both can be compared in one session.
 */
public final class FollowThroughput {

    private FollowThroughput() {}

    public static void main(String[] args) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long lingerNanos =
                args.length > 2 ? Long.parseLong(args[2]) * 1_000_000 : ReassemblyConfig.DEFAULT_LINGER_NANOS;
        long hold = args.length > 3 ? Long.parseLong(args[3]) << 20 : FollowPrinter.DEFAULT_HOLD_LIMIT;
        int threadCount = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long processCpuStart = processCpuNanos();
            Follow.Result r = Follow.run(
                    Path.of(args[0]),
                    OutputStream.nullOutputStream(),
                    FollowFormat.JSONL,
                    Follow.config(OverlapPolicy.BSD, 64L << 20).withLingerNanos(lingerNanos),
                    -1,
                    null,
                    hold,
                    threadCount);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            double processCpu = (processCpuNanos() - processCpuStart) / 1e9;
            System.out.printf(
                    "round %d: %d packets, %.2f s, %.0f k packets/s wall, %.0f k per CPU second of the reading thread,"
                            + " %.0f k per CPU second of the process, %d bytes spilled%n",
                    round,
                    r.frames(),
                    seconds,
                    r.frames() / seconds / 1e3,
                    r.frames() / cpu / 1e3,
                    r.frames() / processCpu / 1e3,
                    r.outputSpilled());
        }
    }

    /** CPU time of every thread of the process (the shards and the output thread too, and garbage collection). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
