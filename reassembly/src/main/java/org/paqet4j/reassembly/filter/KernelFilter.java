package org.paqet4j.reassembly.filter;

import static org.paqet4j.packet.sys.BpfAssembler.JEQ_K;
import static org.paqet4j.packet.sys.BpfAssembler.JSET_K;
import static org.paqet4j.packet.sys.BpfAssembler.LDX_B_MSH;
import static org.paqet4j.packet.sys.BpfAssembler.LD_B_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.LD_H_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.LD_H_IND;
import static org.paqet4j.packet.sys.BpfAssembler.LD_W_ABS;
import static org.paqet4j.packet.sys.BpfAssembler.RET_K;
import static org.paqet4j.packet.sys.BpfAssembler.SKF_AD_PROTOCOL;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.paqet4j.packet.sys.BpfAssembler;
import org.paqet4j.packet.sys.TunnelFilter;

/**
 * A {@link CaptureFilter} compiled to a classic BPF program for the capture socket, so packets it
 * refuses are dropped in the kernel instead of being copied to us, decoded and then refused.
 *
 * <p>The program starts at the network header (SOCK_DGRAM) and lets through at least what the
 * filter accepts: exactly the filter's answer for IPv4 and for IPv6 with TCP as the first next
 * header; every IPv4 fragment (the reader reassembles datagrams before it sees ports) and every
 * IPv6 packet with an extension header first (the parser walks the chain). The filter itself still
 * runs on every decoded segment, so the kernel program only has to be a superset.
 */
public final class KernelFilter {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int TCP = 6;
    private static final int IPV4_SOURCE = 12;
    private static final int IPV4_DESTINATION = 16;
    private static final int IPV6_SOURCE = 8;
    private static final int IPV6_DESTINATION = 24;
    private static final int IPV6_TCP = 40;

    private final BpfAssembler a = new BpfAssembler();
    private int nextLabel;

    private KernelFilter() {}

    /**
     * The program for {@code filter}, or empty when it does not fit classic BPF (a jump beyond 255
     * instructions or more than 4096 of them: a very long expression); the capture then takes all
     * TCP and the filter decides alone.
     */
    public static Optional<long[]> compile(CaptureFilter filter) {
        KernelFilter k = new KernelFilter();
        try {
            return Optional.of(k.program(filter));
        } catch (IllegalStateException tooLarge) {
            return Optional.empty();
        }
    }

    private long[] program(CaptureFilter filter) {
        a.op(LD_W_ABS, SKF_AD_PROTOCOL);
        a.jump(JEQ_K, ETHERTYPE_IPV4, null, "ipv6");
        a.op(LD_B_ABS, 9);
        a.jump(JEQ_K, TCP, null, "reject");
        a.op(LD_H_ABS, 6);
        a.jump(JSET_K, 0x3FFF, "accept", null); // more fragments or an offset: any fragment
        a.op(LDX_B_MSH, 0); // X = the IPv4 header's length, for the ports
        condition(filter, false, "accept", "reject");
        a.label("ipv6");
        a.jump(JEQ_K, ETHERTYPE_IPV6, null, "reject");
        a.op(LD_B_ABS, 6);
        a.jump(JEQ_K, TCP, "ipv6-tcp", null);
        a.jump(JEQ_K, 0, "accept", null); // hop-by-hop options
        a.jump(JEQ_K, 43, "accept", null); // routing
        a.jump(JEQ_K, 44, "accept", null); // fragment
        a.jump(JEQ_K, 60, "accept", "reject"); // destination options
        a.label("ipv6-tcp");
        condition(filter, true, "accept", "reject");
        a.label("accept");
        a.op(RET_K, TunnelFilter.SNAP_LENGTH);
        a.label("reject");
        a.op(RET_K, 0);
        return a.assemble();
    }

    /** Jumps to {@code ifTrue} when {@code filter} holds for the packet, else to {@code ifFalse}. */
    private void condition(CaptureFilter filter, boolean ipv6, String ifTrue, String ifFalse) {
        switch (filter) {
            case CaptureFilter.Tcp tcp -> a.jumpAlways(ifTrue);
            case CaptureFilter.Not not -> condition(not.operand(), ipv6, ifFalse, ifTrue);
            case CaptureFilter.And and -> {
                String right = label();
                condition(and.left(), ipv6, right, ifFalse);
                a.label(right);
                condition(and.right(), ipv6, ifTrue, ifFalse);
            }
            case CaptureFilter.Or or -> {
                String right = label();
                condition(or.left(), ipv6, ifTrue, right);
                a.label(right);
                condition(or.right(), ipv6, ifTrue, ifFalse);
            }
            case CaptureFilter.Port port -> port(port, ipv6, ifTrue, ifFalse);
            case CaptureFilter.Host host -> host(host, ipv6, ifTrue, ifFalse);
        }
    }

    private void port(CaptureFilter.Port port, boolean ipv6, String ifTrue, String ifFalse) {
        switch (port.side()) {
            case SRC -> portAt(0, port.port(), ipv6, ifTrue, ifFalse);
            case DST -> portAt(2, port.port(), ipv6, ifTrue, ifFalse);
            case EITHER -> {
                String destination = label();
                portAt(0, port.port(), ipv6, ifTrue, destination);
                a.label(destination);
                portAt(2, port.port(), ipv6, ifTrue, ifFalse);
            }
        }
    }

    private void portAt(int offset, int port, boolean ipv6, String ifTrue, String ifFalse) {
        if (ipv6) {
            a.op(LD_H_ABS, IPV6_TCP + offset);
        } else {
            a.op(LD_H_IND, offset);
        }
        a.jump(JEQ_K, port, ifTrue, ifFalse);
    }

    private void host(CaptureFilter.Host host, boolean ipv6, String ifTrue, String ifFalse) {
        InetAddress address = host.address();
        // the decoder keeps each family's addresses in their own class, as the filter compares them
        if (ipv6 != (address instanceof Inet6Address)) {
            a.jumpAlways(ifFalse);
            return;
        }
        int source = ipv6 ? IPV6_SOURCE : IPV4_SOURCE;
        int destination = ipv6 ? IPV6_DESTINATION : IPV4_DESTINATION;
        switch (host.side()) {
            case SRC -> addressAt(source, address, ifTrue, ifFalse);
            case DST -> addressAt(destination, address, ifTrue, ifFalse);
            case EITHER -> {
                String other = label();
                addressAt(source, address, ifTrue, other);
                a.label(other);
                addressAt(destination, address, ifTrue, ifFalse);
            }
        }
    }

    /** Compares the address at {@code offset} word by word (one word for IPv4, four for IPv6). */
    private void addressAt(int offset, InetAddress address, String ifTrue, String ifFalse) {
        ByteBuffer words = ByteBuffer.wrap(address.getAddress());
        int count = address instanceof Inet4Address ? 1 : 4;
        for (int i = 0; i < count; i++) {
            a.op(LD_W_ABS, offset + 4 * i);
            a.jump(JEQ_K, words.getInt(), i == count - 1 ? ifTrue : null, ifFalse);
        }
    }

    private String label() {
        return "l" + nextLabel++;
    }
}
