package org.paqet4j.packet.sys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classic BPF (sock_filter) programs for packet sockets, written with symbolic jump targets that
 * {@link #assemble} resolves to relative offsets. Jumps only go forward and at most 255
 * instructions; a target out of range is an {@link IllegalStateException}, so a program that would
 * be cut short is never attached.
 */
public final class BpfAssembler {
    public static final int LD_W_ABS = 0x20;
    public static final int LD_H_ABS = 0x28;
    public static final int LD_B_ABS = 0x30;
    public static final int LD_H_IND = 0x48;
    public static final int LDX_B_MSH = 0xB1;
    public static final int JEQ_K = 0x15;
    public static final int JSET_K = 0x45;
    public static final int RET_K = 0x06;
    /** Ancillary load: the packet's EtherType (SOCK_DGRAM sockets start at the network header). */
    public static final int SKF_AD_PROTOCOL = 0xFFFF_F000;
    /** Ancillary load: the packet type (PACKET_HOST, PACKET_OUTGOING, ...). */
    public static final int SKF_AD_PKTTYPE = 0xFFFF_F004;
    /** The kernel's limit on a program's length (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;

    private final List<int[]> ops = new ArrayList<>();
    private final List<String[]> targets = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    public void op(int code, int k) {
        ops.add(new int[] {code, k});
        targets.add(new String[] {null, null});
    }

    /** A conditional jump: to {@code ifTrue} or {@code ifFalse}, null meaning the next instruction. */
    public void jump(int code, int k, String ifTrue, String ifFalse) {
        ops.add(new int[] {code, k});
        targets.add(new String[] {ifTrue, ifFalse});
    }

    /** Always to {@code target}, whatever the accumulator holds. */
    public void jumpAlways(String target) {
        jump(JEQ_K, 0, target, target);
    }

    public void label(String name) {
        if (labels.putIfAbsent(name, ops.size()) != null) {
            throw new IllegalArgumentException("BPF label " + name + " defined twice");
        }
    }

    /** The program as 8-byte sock_filter instructions: code (16 bits), jt, jf (8 bits each), k. */
    public long[] assemble() {
        if (ops.size() > MAX_INSTRUCTIONS) {
            throw new IllegalStateException(
                    "BPF program of " + ops.size() + " instructions exceeds the kernel's " + MAX_INSTRUCTIONS);
        }
        long[] out = new long[ops.size()];
        for (int i = 0; i < out.length; i++) {
            int[] op = ops.get(i);
            long jt = offset(i, targets.get(i)[0]);
            long jf = offset(i, targets.get(i)[1]);
            out[i] = ((long) op[0] << 48) | (jt << 40) | (jf << 32) | (op[1] & 0xFFFF_FFFFL);
        }
        return out;
    }

    private long offset(int from, String label) {
        if (label == null) {
            return 0;
        }
        Integer to = labels.get(label);
        if (to == null) {
            throw new IllegalStateException("BPF label " + label + " is never defined");
        }
        int distance = to - from - 1;
        if (distance < 0 || distance > 255) {
            throw new IllegalStateException("BPF jump to " + label + " out of range: " + distance);
        }
        return distance;
    }
}
