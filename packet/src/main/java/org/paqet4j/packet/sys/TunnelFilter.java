package org.paqet4j.packet.sys;

import static org.paqet4j.packet.sys.BpfAssembler.JEQ_K;
import static org.paqet4j.packet.sys.BpfAssembler.JSET_K;
import static org.paqet4j.packet.sys.BpfAssembler.LDX_B_MSH;
import static org.paqet4j.packet.sys.BpfAssembler.LD_B_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.LD_H_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.LD_H_IND;
import static org.paqet4j.packet.sys.BpfAssembler.LD_W_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.RET_K;
import static org.paqet4j.packet.sys.BpfAssembler.SKF_AD_PKTTYPE;
import static org.paqet4j.packet.sys.BpfAssembler.SKF_AD_PROTOCOL;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The classic BPF program attached to capture sockets: addressed to this host (PACKET_HOST), IPv4 or
 * IPv6, TCP, destination port P. It runs on SOCK_DGRAM packet sockets, so the packet starts at
 * the network header and the EtherType comes from the SKF_AD_PROTOCOL extension. IPv6 packets
 * whose first next-header is an extension header are accepted and left to the parser, which
 * walks the chain; IPv4 fragments are refused.
 */
public final class TunnelFilter {

    /** Bytes of an accepted packet handed to the socket: more than any packet. */
    public static final int SNAP_LENGTH = 0x40000;

    private TunnelFilter() {}

    /** The program as 8-byte sock_filter instructions. */
    public static long[] program(int port) {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        BpfAssembler a = new BpfAssembler();
        a.op(LD_W_ABS, SKF_AD_PKTTYPE);
        // PACKET_HOST only: not our own outgoing copies, nor other hosts' traffic seen in promiscuous mode
        a.jump(JEQ_K, Libc.PACKET_HOST, null, "reject");
        a.op(LD_W_ABS, SKF_AD_PROTOCOL);
        a.jump(JEQ_K, 0x0800, null, "ipv6");
        a.op(LD_B_ABS, 9);
        a.jump(JEQ_K, 6, null, "reject");
        a.op(LD_H_ABS, 6);
        a.jump(JSET_K, 0x1FFF, "reject", null);
        a.op(LDX_B_MSH, 0);
        a.op(LD_H_IND, 2);
        a.jump(JEQ_K, port, "accept", "reject");
        a.label("ipv6");
        a.jump(JEQ_K, 0x86DD, null, "reject");
        a.op(LD_B_ABS, 6);
        a.jump(JEQ_K, 6, "ipv6-tcp", null);
        a.jump(JEQ_K, 0, "accept", null); // hop-by-hop options
        a.jump(JEQ_K, 43, "accept", null); // routing
        a.jump(JEQ_K, 44, "accept", null); // fragment (the parser takes atomic ones only)
        a.jump(JEQ_K, 60, "accept", "reject"); // destination options
        a.label("ipv6-tcp");
        a.op(LD_H_ABS, 42);
        a.jump(JEQ_K, port, "accept", "reject");
        a.label("accept");
        a.op(RET_K, SNAP_LENGTH);
        a.label("reject");
        a.op(RET_K, 0);
        return a.assemble();
    }

    /**
     * A program for watching every TCP connection on a link in both directions (what a passive
     * reassembler needs): IPv4 with protocol TCP, fragments included (the reader reassembles them),
     * and all IPv6 (the extension header chain is left to the parser); any packet type, so our own
     * outgoing packets and, in promiscuous mode, other hosts' traffic too.
     */
    public static long[] allTcpProgram() {
        BpfAssembler a = new BpfAssembler();
        a.op(LD_W_ABS, SKF_AD_PROTOCOL);
        a.jump(JEQ_K, 0x86DD, "accept", null);
        a.jump(JEQ_K, 0x0800, null, "reject");
        a.op(LD_B_ABS, 9);
        a.jump(JEQ_K, 6, "accept", "reject");
        a.label("accept");
        a.op(RET_K, SNAP_LENGTH);
        a.label("reject");
        a.op(RET_K, 0);
        return a.assemble();
    }

    /** Attaches the program to {@code fd} (SO_ATTACH_FILTER). */
    public static void attach(int fd, int port, MemorySegment errno) throws IOException {
        attach(fd, program(port), "tcp dst port " + port, errno);
    }

    /** Attaches {@code program} to {@code fd}; {@code what} names it in errors. */
    static void attach(int fd, long[] program, String what, MemorySegment errno) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment instructions = arena.allocate(ValueLayout.JAVA_LONG, program.length);
            for (int i = 0; i < program.length; i++) {
                long insn = program[i];
                instructions.set(ValueLayout.JAVA_SHORT, i * 8L, (short) (insn >>> 48));
                instructions.set(ValueLayout.JAVA_BYTE, i * 8L + 2, (byte) (insn >>> 40));
                instructions.set(ValueLayout.JAVA_BYTE, i * 8L + 3, (byte) (insn >>> 32));
                instructions.set(ValueLayout.JAVA_INT, i * 8L + 4, (int) insn);
            }
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            fprog.set(ValueLayout.ADDRESS, 8, instructions);
            if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog, 16) != 0) {
                throw Errno.exception("setsockopt(SO_ATTACH_FILTER, " + what + ")", Libc.errno(errno));
            }
        }
    }
}
