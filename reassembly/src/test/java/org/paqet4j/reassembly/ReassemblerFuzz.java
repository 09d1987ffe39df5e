package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Random segment streams on a few connections, every policy, with and without ACK gating, a small budget: each direction's
 * delivered bytes and gaps cover it exactly once and in order ({@link Recorder} checks every
 * event), End comes last, and after every packet the accounted memory is within the budget.
 */
class ReassemblerFuzz {

    private static final Endpoint[] HOSTS = {
        Segments.endpoint("10.0.0.1", 1000), Segments.endpoint("10.0.0.2", 80),
        Segments.endpoint("10.0.0.3", 1000), Segments.endpoint("2001:db8::1", 80),
    };

    @FuzzTest
    void reassemble(FuzzedDataProvider data) {
        OverlapPolicy policy = data.pickValue(OverlapPolicy.values());
        ReassemblyConfig config = ReassemblyConfig.DEFAULTS
                .withMemoryBudget(ReassemblyConfig.MIN_BUDGET)
                .withPolicy(policy)
                .withPerConnectionCap(1 << 16)
                .withIdleTimeoutNanos(data.consumeBoolean() ? 50 : 0)
                .withFlushOnClose(data.consumeBoolean())
                .withAckGated(data.consumeBoolean())
                .withLingerNanos(data.consumeBoolean() ? 40 : 0);
        Recorder recorder = new Recorder();
        try (TcpReassembler reassembler = new TcpReassembler(config, recorder)) {
            long time = 0;
            int base = data.consumeInt();
            while (data.remainingBytes() > 8) {
                Endpoint from = HOSTS[data.consumeInt(0, HOSTS.length - 1)];
                Endpoint to = HOSTS[data.consumeInt(0, HOSTS.length - 1)];
                int seq = base + data.consumeInt(-64, 4096);
                int ack = base + data.consumeInt(-64, 4096);
                int flags = data.consumeInt(0, 0x1F);
                byte[] payload = data.consumeBytes(data.consumeInt(0, 3000));
                time += data.consumeInt(0, 20);
                reassembler.process(
                        new TcpSegment(from, to, seq, ack, flags, data.consumeInt(0, 65_535), payload, time, time));
                assertThat(reassembler.stats().memoryUsed()).isLessThanOrEqualTo(config.memoryBudget());
            }
        }
        for (Recorder.Stream stream : recorder.streams) {
            for (Direction d : Direction.values()) {
                assertThat(stream.of(d).getLast()).isInstanceOf(StreamEvent.End.class);
            }
        }
    }
}
