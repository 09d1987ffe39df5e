package org.paqet4j.jmh.reassembly;

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
import org.openjdk.jmh.infra.Blackhole;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.StreamEvent;
import org.paqet4j.reassembly.TcpReassembler;
import org.paqet4j.reassembly.TcpSegment;

/**
 * {@link TcpReassembler#process} on decoded segments, one thread: 1000 interleaved flows of
 * 100-byte segments in order or with {@code reorderPercent} of them swapped with the flow's next
 * segment. One operation is a whole sequence into a fresh reassembler (its close included);
 * {@code packets} in the output is the rate in segments per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReassemblyBenchmark {

    @State(Scope.Benchmark)
    public static class Input {
        @Param({"0", "10"})
        int reorderPercent;

        @Param({"BSD", "FIRST"})
        OverlapPolicy policy;

        TcpSegment[] segments;
        ReassemblyConfig config;

        @Setup(Level.Trial)
        public void build() {
            segments = SegmentStreams.interleaved(1_000_000, 1000, 100, reorderPercent);
            config = ReassemblyConfig.DEFAULTS.withPolicy(policy);
        }
    }

    /** Packets processed, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Packets {
        public long packets;
    }

    @Benchmark
    public long process(Input in, Packets counted, Blackhole hole) {
        long[] bytes = {0};
        try (TcpReassembler r = new TcpReassembler(in.config, info -> (direction, event) -> {
            if (event instanceof StreamEvent.Data d) {
                bytes[0] += d.bytes().length;
            }
        })) {
            for (TcpSegment s : in.segments) {
                r.process(s);
            }
            hole.consume(r.stats());
        }
        counted.packets += in.segments.length;
        return bytes[0];
    }
}
