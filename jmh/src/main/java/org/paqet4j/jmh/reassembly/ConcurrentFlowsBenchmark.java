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
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.StreamEvent;
import org.paqet4j.reassembly.TcpReassembler;
import org.paqet4j.reassembly.TcpSegment;

/**
 * {@code flows} connections open at once: a SYN each, then two 100-byte segments each, round
 * robin, so every connection is still open at the end (the budget is large enough that none is
 * evicted; the operation fails otherwise). {@code packets} is the rate in segments per second,
 * {@code connections} the connections handled per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class ConcurrentFlowsBenchmark {

    @State(Scope.Benchmark)
    public static class Input {
        @Param({"1000000"})
        int flows;

        TcpSegment[] segments;
        ReassemblyConfig config;

        @Setup(Level.Trial)
        public void build() {
            segments = SegmentStreams.concurrentFlows(flows, 100);
            config = ReassemblyConfig.DEFAULTS.withMemoryBudget(4L << 30);
        }
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counted {
        public long packets;
        public long connections;
    }

    @Benchmark
    public long process(Input in, Counted counted) {
        long[] bytes = {0};
        try (TcpReassembler r = new TcpReassembler(in.config, info -> (direction, event) -> {
            if (event instanceof StreamEvent.Data d) {
                bytes[0] += d.bytes().length;
            }
        })) {
            for (TcpSegment s : in.segments) {
                r.process(s);
            }
            if (r.stats().connectionsActive() != in.flows) {
                throw new IllegalStateException(
                        r.stats().connectionsActive() + " of " + in.flows + " connections open");
            }
        }
        counted.packets += in.segments.length;
        counted.connections += in.flows;
        return bytes[0];
    }
}
