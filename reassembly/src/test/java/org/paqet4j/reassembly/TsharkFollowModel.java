package org.paqet4j.reassembly;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One direction of tshark 4.0's follow_tcp_tap_listener and check_follow_fragments, written
 * independently of the library in 32-bit sequence arithmetic, as the reference for BSD.
 */
final class TsharkFollowModel {

    private record Record(int seq, byte[] data) {}

    private boolean initialised;
    private int seq;
    private final List<Record> fragments = new ArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static boolean lt(int a, int b) {
        return a - b < 0;
    }

    private static boolean gt(int a, int b) {
        return a - b > 0;
    }

    void packet(int sequence, boolean syn, byte[] payload) {
        if (syn) {
            sequence++;
        }
        if (!initialised) {
            initialised = true;
            seq = sequence;
        }
        int length = payload.length;
        int dataOffset = 0;
        int dataLength = payload.length;
        if (lt(sequence, seq)) {
            int nextSeq = sequence + length;
            if (gt(nextSeq, seq)) {
                dataOffset = seq - sequence;
                dataLength = dataLength <= dataOffset ? 0 : dataLength - dataOffset;
                sequence = seq;
                length = nextSeq - seq;
            }
        }
        if (dataLength == 0 || lt(sequence, seq)) {
            return;
        }
        byte[] data = Arrays.copyOfRange(payload, dataOffset, dataOffset + dataLength);
        if (sequence == seq) {
            seq += length;
            out.writeBytes(data);
            while (check(0, false)) {
                // next fragment
            }
        } else {
            fragments.add(new Record(sequence, data));
        }
    }

    /** An ACK from the other direction. */
    void ack(int acknowledged) {
        if (!fragments.isEmpty()) {
            while (check(acknowledged, true)) {
                // next fragment or gap
            }
        }
    }

    private boolean check(int acknowledged, boolean useAck) {
        if (fragments.isEmpty()) {
            return false;
        }
        int lowest = fragments.getFirst().seq();
        for (int i = 0; i < fragments.size(); i++) {
            Record f = fragments.get(i);
            if (gt(lowest, f.seq())) {
                lowest = f.seq();
            }
            if (lt(f.seq(), seq)) {
                int newSeq = f.seq() + f.data().length;
                if (gt(newSeq, seq)) {
                    int newPos = seq - f.seq();
                    if (f.data().length > newPos) {
                        out.write(f.data(), newPos, f.data().length - newPos);
                    }
                    seq += newSeq - seq;
                }
                fragments.remove(i);
                return true;
            }
            if (f.seq() == seq) {
                out.writeBytes(f.data());
                seq += f.data().length;
                fragments.remove(i);
                return true;
            }
        }
        if (useAck && gt(acknowledged, lowest)) {
            out.writeBytes(("[" + (lowest - seq) + " bytes missing in capture file]\0").getBytes());
            seq = lowest;
            return true;
        }
        return false;
    }
}
