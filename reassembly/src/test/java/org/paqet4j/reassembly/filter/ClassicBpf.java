package org.paqet4j.reassembly.filter;

import org.paqet4j.packet.sys.BpfAssembler;

/**
 * The part of the kernel's classic BPF interpreter that capture programs use, for checking a
 * program's answer without a socket: absolute and indirect loads (a load past the end rejects the
 * packet, as in the kernel), the IPv4 header length into X, JEQ/JSET with constants, RET.
 */
final class ClassicBpf {
    private ClassicBpf() {}

    /** What the program returns for {@code packet} (from the network header) with EtherType {@code protocol}. */
    static int run(long[] program, byte[] packet, int protocol) {
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            long insn = program[pc];
            int code = (int) (insn >>> 48);
            int jt = (int) (insn >>> 40) & 0xFF;
            int jf = (int) (insn >>> 32) & 0xFF;
            int k = (int) insn;
            pc++;
            switch (code) {
                case BpfAssembler.LD_W_ABS -> {
                    if (k == BpfAssembler.SKF_AD_PROTOCOL) {
                        a = protocol;
                    } else if (k + 4 > packet.length || k < 0) {
                        return 0;
                    } else {
                        a = (packet[k] & 0xFF) << 24
                                | (packet[k + 1] & 0xFF) << 16
                                | (packet[k + 2] & 0xFF) << 8
                                | packet[k + 3] & 0xFF;
                    }
                }
                case BpfAssembler.LD_H_ABS -> {
                    if (k + 2 > packet.length) {
                        return 0;
                    }
                    a = (packet[k] & 0xFF) << 8 | packet[k + 1] & 0xFF;
                }
                case BpfAssembler.LD_B_ABS -> {
                    if (k + 1 > packet.length) {
                        return 0;
                    }
                    a = packet[k] & 0xFF;
                }
                case BpfAssembler.LD_H_IND -> {
                    int at = x + k;
                    if (at + 2 > packet.length) {
                        return 0;
                    }
                    a = (packet[at] & 0xFF) << 8 | packet[at + 1] & 0xFF;
                }
                case BpfAssembler.LDX_B_MSH -> {
                    if (k + 1 > packet.length) {
                        return 0;
                    }
                    x = (packet[k] & 0xF) * 4;
                }
                case BpfAssembler.JEQ_K -> pc += a == k ? jt : jf;
                case BpfAssembler.JSET_K -> pc += (a & k) != 0 ? jt : jf;
                case BpfAssembler.RET_K -> {
                    return k;
                }
                default ->
                    throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(code) + " at " + (pc - 1));
            }
        }
    }
}
