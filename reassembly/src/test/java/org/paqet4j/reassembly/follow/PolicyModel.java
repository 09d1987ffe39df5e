package org.paqet4j.reassembly.follow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.SuricataOverlapRule;

/**
 * What one direction of a generated connection must print under a per-segment policy (every
 * policy but BSD, which tshark checks), as {@code follow} is configured: per byte, a new segment
 * replaces a buffered byte unless a buffered segment covering it keeps it by Suricata's rule;
 * bytes before the delivered end never change; an ACK past the lowest buffered byte turns the hole
 * before it into a gap; what is still behind a hole at the end is not printed.
 */
final class PolicyModel {

    private final OverlapPolicy policy;
    private final TreeMap<Long, Byte> buffered = new TreeMap<>();
    private final List<long[]> seen = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean started;
    private long delivered;

    PolicyModel(OverlapPolicy policy) {
        this.policy = policy;
    }

    /** A segment sent in this direction, {@code offset} being its sequence number minus (ISN + 1). */
    void segment(boolean syn, long offset, byte[] data) {
        long start = syn ? offset + 1 : offset;
        if (!started) {
            started = true;
            delivered = start;
        }
        long end = start + data.length;
        for (int i = 0; i < data.length; i++) {
            long p = start + i;
            if (p < delivered) {
                continue;
            }
            boolean keepOld = false;
            for (long[] old : seen) {
                keepOld |= old[0] <= p
                        && p < old[1]
                        && !SuricataOverlapRule.usesNewData(policy, start, end, old[0], old[1]);
            }
            if (!keepOld || !buffered.containsKey(p)) {
                buffered.put(p, data[i]);
            }
        }
        if (data.length > 0) {
            seen.add(new long[] {start, end});
        }
        drain();
    }

    /** The peer acknowledged up to {@code offset}. */
    void ack(long offset) {
        if (!started) {
            return;
        }
        while (!buffered.isEmpty() && offset > buffered.firstKey()) {
            long hole = buffered.firstKey() - delivered;
            out.writeBytes(("[" + hole + " bytes missing in capture file]\0").getBytes(StandardCharsets.ISO_8859_1));
            delivered = buffered.firstKey();
            drain();
        }
    }

    /** The printed bytes, gaps written as tshark writes them. */
    byte[] printed() {
        return out.toByteArray();
    }

    private void drain() {
        Byte b;
        while ((b = buffered.remove(delivered)) != null) {
            out.write(b);
            delivered++;
        }
    }
}
