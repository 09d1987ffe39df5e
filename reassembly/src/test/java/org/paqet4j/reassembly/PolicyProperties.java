package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random segment streams (overlaps, conflicting copies, reordering, duplicates, ACKs past holes,
 * sequence numbers near the wrap) against reference models: tshark's own algorithm for BSD, and a
 * per-byte model for FIRST and LAST.
 */
class PolicyProperties {

    private record Plan(int isn, boolean syn, List<int[]> segments, byte[][] copies) {}

    /** segments: {start, length, copy, ackOrMinusOne}; copies: alternative contents of the stream. */
    private static Plan plan(long randomness) {
        Random random = new Random(randomness);
        int size = 1 + random.nextInt(300);
        int[] isns = {random.nextInt(), 0xFFFF_FFF0, -1 - random.nextInt(size + 1), 0};
        int isn = isns[random.nextInt(isns.length)];
        byte[][] copies = new byte[3][size];
        for (byte[] copy : copies) {
            random.nextBytes(copy);
        }
        List<int[]> segments = new ArrayList<>();
        int count = 1 + random.nextInt(40);
        for (int i = 0; i < count; i++) {
            int start = random.nextInt(size);
            int length = 1 + random.nextInt(Math.min(size - start, 1 + random.nextInt(80)));
            int copy = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
            int ack = random.nextInt(6) == 0 ? random.nextInt(size + 2) : -1;
            segments.add(new int[] {start, length, copy, ack});
        }
        return new Plan(isn, random.nextBoolean(), segments, copies);
    }

    @Property(tries = 3000)
    void bsdIsTsharksFollow(@ForAll long randomness) {
        Plan plan = plan(randomness);
        Recorder recorder = new Recorder();
        Segments build = new Segments();
        TsharkFollowModel model = new TsharkFollowModel();
        try (TcpReassembler reassembler =
                new TcpReassembler(ReassemblyConfig.DEFAULTS.withFlushOnClose(false), recorder)) {
            if (plan.syn()) {
                reassembler.process(build.c2s(plan.isn() - 1, 0, TcpSegment.SYN, ""));
                model.packet(plan.isn() - 1, true, new byte[0]);
            }
            for (int[] s : plan.segments()) {
                byte[] data = Arrays.copyOfRange(plan.copies()[s[2]], s[0], s[0] + s[1]);
                int seq = plan.isn() + s[0];
                reassembler.process(build.of(Segments.CLIENT, Segments.SERVER, seq, 1, TcpSegment.ACK, data));
                model.packet(seq, false, data);
                if (s[3] >= 0) {
                    reassembler.process(build.s2c(1, plan.isn() + s[3], TcpSegment.ACK, ""));
                    model.ack(plan.isn() + s[3]);
                }
            }
        }
        assertThat(recorder.streams.getFirst().tsharkBytes(Direction.FROM_NODE0))
                .isEqualTo(model.out.toByteArray());
    }

    @Property(tries = 2000)
    void everyPerSegmentPolicyMatchesThePerByteModel(@ForAll long randomness) {
        Plan plan = plan(randomness);
        for (OverlapPolicy policy : new OverlapPolicy[] {
            OverlapPolicy.FIRST, OverlapPolicy.LAST, OverlapPolicy.LINUX, OverlapPolicy.WINDOWS, OverlapPolicy.SOLARIS
        }) {
            Recorder recorder = new Recorder();
            Segments build = new Segments();
            int size = plan.copies()[0].length;
            int[] model = new int[size];
            Arrays.fill(model, -1);
            try (TcpReassembler reassembler =
                    new TcpReassembler(ReassemblyConfig.DEFAULTS.withPolicy(policy), recorder)) {
                reassembler.process(build.c2s(plan.isn() - 1, 0, TcpSegment.SYN, ""));
                int delivered = 0;
                List<int[]> seen = new ArrayList<>(); // every segment's {start, end}, delivered or not
                for (int[] s : plan.segments()) {
                    byte[] data = Arrays.copyOfRange(plan.copies()[s[2]], s[0], s[0] + s[1]);
                    reassembler.process(
                            build.of(Segments.CLIENT, Segments.SERVER, plan.isn() + s[0], 1, TcpSegment.ACK, data));
                    int start = s[0];
                    int end = s[0] + s[1];
                    boolean[] keepOld = new boolean[data.length];
                    for (int[] old : seen) {
                        if (old[0] < end
                                && old[1] > start
                                && !SuricataOverlapRule.usesNewData(policy, start, end, old[0], old[1])) {
                            for (int p = Math.max(start, old[0]); p < Math.min(end, old[1]); p++) {
                                keepOld[p - start] = true;
                            }
                        }
                    }
                    for (int i = 0; i < data.length; i++) {
                        int p = start + i;
                        if (p >= delivered && (model[p] < 0 || !keepOld[i])) {
                            model[p] = data[i] & 0xFF;
                        }
                    }
                    seen.add(new int[] {start, end});
                    while (delivered < size && model[delivered] >= 0) {
                        delivered++;
                    }
                }
            }
            // close() flushed the rest: holes before known bytes are gaps, trailing holes are nothing
            Map<Long, Integer> actual = positions(recorder.streams.getFirst().of(Direction.FROM_NODE0));
            Map<Long, Integer> expected = new HashMap<>();
            int last = size - 1;
            while (last >= 0 && model[last] < 0) {
                last--;
            }
            for (int p = 0; p <= last; p++) {
                expected.put((long) p, model[p]);
            }
            assertThat(actual).as(policy.name()).isEqualTo(expected);
        }
    }

    @Property(tries = 1500)
    void ackGatingDelaysButNeverChangesTheOutput(@ForAll long randomness) {
        Plan plan = plan(randomness);
        for (OverlapPolicy policy : OverlapPolicy.values()) {
            byte[][] outputs = new byte[2][];
            for (boolean gated : new boolean[] {false, true}) {
                Recorder recorder = new Recorder();
                Segments build = new Segments();
                try (TcpReassembler reassembler = new TcpReassembler(
                        ReassemblyConfig.DEFAULTS.withPolicy(policy).withAckGated(gated), recorder)) {
                    reassembler.process(build.c2s(plan.isn() - 1, 0, TcpSegment.SYN, ""));
                    for (int[] s : plan.segments()) {
                        byte[] data = Arrays.copyOfRange(plan.copies()[s[2]], s[0], s[0] + s[1]);
                        reassembler.process(
                                build.of(Segments.CLIENT, Segments.SERVER, plan.isn() + s[0], 1, TcpSegment.ACK, data));
                        if (s[3] >= 0) {
                            reassembler.process(build.s2c(1, plan.isn() + s[3], TcpSegment.ACK, ""));
                        }
                    }
                }
                outputs[gated ? 1 : 0] = recorder.streams.getFirst().tsharkBytes(Direction.FROM_NODE0);
            }
            assertThat(outputs[1]).as(policy.name()).isEqualTo(outputs[0]);
        }
    }

    /** offset → byte value, or -1 for a gap. */
    private static Map<Long, Integer> positions(List<StreamEvent> events) {
        Map<Long, Integer> out = new HashMap<>();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.Data d) {
                for (int i = 0; i < d.bytes().length; i++) {
                    out.put(d.offset() + i, d.bytes()[i] & 0xFF);
                }
            } else if (e instanceof StreamEvent.Gap g) {
                for (long i = 0; i < g.length(); i++) {
                    out.put(g.offset() + i, -1);
                }
            }
        }
        return out;
    }
}
