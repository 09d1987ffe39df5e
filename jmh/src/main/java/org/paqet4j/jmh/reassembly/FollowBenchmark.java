package org.paqet4j.jmh.reassembly;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.follow.Follow;
import org.paqet4j.reassembly.follow.FollowFormat;
import org.paqet4j.reassembly.follow.FollowPrinter;

/**
 * {@code paqet follow -r FILE} end to end, without the JVM start: read the pcap, decode, reassemble,
 * render every stream (output discarded). The capture ({@link BenchPcap}) is written at {@code
 * capture} unless it is already there; the default (100,000 flows of 14 segments) is about
 * 1 GB. One operation is the whole file; {@code packets} is the rate in packets per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FollowBenchmark {

    @State(Scope.Benchmark)
    public static class Capture {
        @Param({"/tmp/paqet-follow-bench.pcap"})
        String capture;

        @Param({"100000"})
        int flows;

        @Param({"JSONL"})
        FollowFormat format;

        /** {@code paqet follow -r --threads N}: 1 is the single-thread path, more the sharded one. */
        @Param({"1", "2"})
        int threads;

        Path file;

        @Setup(Level.Trial)
        public void write() throws IOException {
            file = Path.of(capture);
            if (!Files.exists(file)) {
                long packets = BenchPcap.write(file, flows, 14);
                System.out.printf("%nwrote %s: %d packets, %d bytes%n", file, packets, Files.size(file));
            }
        }
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counted {
        public long packets;
    }

    @Benchmark
    public long follow(Capture c, Counted counted) throws IOException {
        Follow.Result r = Follow.run(
                c.file,
                OutputStream.nullOutputStream(),
                c.format,
                Follow.config(OverlapPolicy.BSD, 64L << 20),
                -1,
                null,
                FollowPrinter.DEFAULT_HOLD_LIMIT,
                c.threads);
        counted.packets += r.frames();
        return r.reassembly().payloadBytes();
    }
}
