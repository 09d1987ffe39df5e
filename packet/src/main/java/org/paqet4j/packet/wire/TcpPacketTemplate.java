package org.paqet4j.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import org.paqet4j.packet.AddressText;

/**
 * The headers of one flow (source → destination, ports fixed), prepared once and stamped in front
 * of every payload: Ethernet (optional), IPv4 or IPv6, and TCP with paqet's emulated sequence
 * numbers, acknowledgements and options. {@link #write} allocates nothing.
 *
 * <p>Header values are paqet's: IPv4 TOS 0xB8, DF, ID 0, TTL 64; IPv6 traffic class 184, flow
 * label 0, hop limit 64; TCP window 65535, urgent 0. Non-SYN segments carry NOP, NOP,
 * Timestamps; SYN segments carry MSS 1460, SACK-permitted, Timestamps(val, 0), NOP, WScale 8.
 */
public final class TcpPacketTemplate {

    public static final int ETHERNET_HEADER = 14;
    public static final int IPV4_HEADER = 20;
    public static final int IPV6_HEADER = 40;
    /** TCP header with NOP, NOP, Timestamps. */
    public static final int TCP_HEADER = 32;
    /** TCP header with MSS, SACK-permitted, Timestamps, NOP, WScale. */
    public static final int TCP_SYN_HEADER = 40;
    /** The largest header stack this class writes. */
    public static final int MAX_HEADERS = ETHERNET_HEADER + IPV6_HEADER + TCP_SYN_HEADER;

    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final byte[] prefix;
    private final int ipOffset;
    private final int tcpOffset;
    private final boolean ipv6;
    /** Sum of the pseudo-header's addresses and protocol; the TCP length is added per packet. */
    private final long pseudoSum;

    private TcpPacketTemplate(byte[] prefix, int ipOffset, boolean ipv6, long pseudoSum) {
        this.prefix = prefix;
        this.ipOffset = ipOffset;
        this.tcpOffset = ipOffset + (ipv6 ? IPV6_HEADER : IPV4_HEADER);
        this.ipv6 = ipv6;
        this.pseudoSum = pseudoSum;
    }

    /**
     * Prepares the headers of one flow.
     *
     * @param sourceMac      the interface's MAC, or null to write no Ethernet header (raw IP)
     * @param destinationMac the next hop's MAC (gateway or peer); ignored without Ethernet
     */
    public static TcpPacketTemplate of(
            byte[] sourceMac,
            byte[] destinationMac,
            InetAddress source,
            InetAddress destination,
            int sourcePort,
            int destinationPort) {
        boolean v6 = source instanceof Inet6Address;
        if (v6 != (destination instanceof Inet6Address)) {
            throw new IllegalArgumentException(
                    "address families differ: " + AddressText.of(source) + " → " + AddressText.of(destination));
        }
        if (sourcePort < 0 || sourcePort > 0xFFFF || destinationPort < 0 || destinationPort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + sourcePort + " → " + destinationPort);
        }
        boolean ethernet = sourceMac != null;
        if (ethernet && (sourceMac.length != 6 || destinationMac == null || destinationMac.length != 6)) {
            throw new IllegalArgumentException("MAC addresses must be 6 bytes");
        }
        int ipOffset = ethernet ? ETHERNET_HEADER : 0;
        byte[] prefix = new byte[ipOffset + (v6 ? IPV6_HEADER : IPV4_HEADER) + 4];
        MemorySegment p = MemorySegment.ofArray(prefix);
        if (ethernet) {
            MemorySegment.copy(destinationMac, 0, p, ValueLayout.JAVA_BYTE, 0, 6);
            MemorySegment.copy(sourceMac, 0, p, ValueLayout.JAVA_BYTE, 6, 6);
            p.set(SHORT_BE, 12, (short) (v6 ? 0x86DD : 0x0800));
        }
        byte[] src = source.getAddress();
        byte[] dst = destination.getAddress();
        int tcp;
        if (v6) {
            p.set(INT_BE, ipOffset, 0x6000_0000 | (184 << 20));
            p.set(ValueLayout.JAVA_BYTE, ipOffset + 6, (byte) 6);
            p.set(ValueLayout.JAVA_BYTE, ipOffset + 7, (byte) 64);
            MemorySegment.copy(src, 0, p, ValueLayout.JAVA_BYTE, ipOffset + 8, 16);
            MemorySegment.copy(dst, 0, p, ValueLayout.JAVA_BYTE, ipOffset + 24, 16);
            tcp = ipOffset + IPV6_HEADER;
        } else {
            p.set(ValueLayout.JAVA_BYTE, ipOffset, (byte) 0x45);
            p.set(ValueLayout.JAVA_BYTE, ipOffset + 1, (byte) 0xB8);
            p.set(SHORT_BE, ipOffset + 6, (short) 0x4000);
            p.set(ValueLayout.JAVA_BYTE, ipOffset + 8, (byte) 64);
            p.set(ValueLayout.JAVA_BYTE, ipOffset + 9, (byte) 6);
            MemorySegment.copy(src, 0, p, ValueLayout.JAVA_BYTE, ipOffset + 12, 4);
            MemorySegment.copy(dst, 0, p, ValueLayout.JAVA_BYTE, ipOffset + 16, 4);
            tcp = ipOffset + IPV4_HEADER;
        }
        p.set(SHORT_BE, tcp, (short) sourcePort);
        p.set(SHORT_BE, tcp + 2, (short) destinationPort);
        long pseudo = Checksum.add(0, MemorySegment.ofArray(src), 0, src.length);
        pseudo = Checksum.add(pseudo, MemorySegment.ofArray(dst), 0, dst.length) + 6;
        return new TcpPacketTemplate(prefix, ipOffset, v6, pseudo);
    }

    /** Bytes in front of the payload for a segment with {@code flags}. */
    public int headerLength(int flags) {
        return tcpOffset + ((flags & TcpFlags.SYN) != 0 ? TCP_SYN_HEADER : TCP_HEADER);
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public boolean hasEthernet() {
        return ipOffset != 0;
    }

    /**
     * Writes the headers at {@code offset} in front of a payload of {@code payloadLength} bytes
     * that the caller already placed at {@code offset + headerLength(flags)}, and computes both
     * checksums.
     *
     * @param counter the sender's packet counter for this packet (paqet increments before use)
     * @param time    the sender's start time in milliseconds, truncated to 32 bits
     * @return the length of the whole packet
     */
    public int write(MemorySegment buf, long offset, int flags, int counter, int time, int payloadLength) {
        boolean syn = (flags & TcpFlags.SYN) != 0;
        int tcpLength = (syn ? TCP_SYN_HEADER : TCP_HEADER) + payloadLength;
        MemorySegment.copy(prefix, 0, buf, ValueLayout.JAVA_BYTE, offset, prefix.length);
        long ip = offset + ipOffset;
        if (ipv6) {
            buf.set(SHORT_BE, ip + 4, (short) tcpLength);
        } else {
            buf.set(SHORT_BE, ip + 2, (short) (IPV4_HEADER + tcpLength));
            buf.set(SHORT_BE, ip + 10, (short) Checksum.of(buf, ip, IPV4_HEADER));
        }
        long tcp = offset + tcpOffset;
        int tsVal = time + (counter >>> 3);
        int seq;
        int ack;
        if (syn) {
            seq = 1 + (counter & 7);
            ack = (flags & TcpFlags.ACK) != 0 ? seq + 1 : 0;
            // MSS 1460 | SACK-permitted, Timestamps(val, 0) | NOP, WScale 8
            buf.set(LONG_BE, tcp + 20, 0x0204_05B4_0402_080AL);
            buf.set(INT_BE, tcp + 28, tsVal);
            buf.set(INT_BE, tcp + 32, 0);
            buf.set(INT_BE, tcp + 36, 0x0103_0308);
        } else {
            seq = time + (counter << 7);
            ack = seq - (counter & 0x3FF) + 1400;
            int tsEcr = tsVal - (Integer.remainderUnsigned(counter, 200) + 50);
            buf.set(INT_BE, tcp + 20, 0x0101_080A);
            buf.set(INT_BE, tcp + 24, tsVal);
            buf.set(INT_BE, tcp + 28, tsEcr);
        }
        buf.set(INT_BE, tcp + 4, seq);
        buf.set(INT_BE, tcp + 8, ack);
        int dataOffset = (syn ? TCP_SYN_HEADER : TCP_HEADER) / 4;
        buf.set(SHORT_BE, tcp + 12, (short) ((dataOffset << 12) | (flags & 0x1FF)));
        buf.set(INT_BE, tcp + 14, 0xFFFF_0000); // window 65535, checksum 0 while summing
        buf.set(SHORT_BE, tcp + 18, (short) 0);
        long sum = Checksum.add(pseudoSum + tcpLength, buf, tcp, tcpLength);
        buf.set(SHORT_BE, tcp + 16, (short) Checksum.finish(sum));
        return tcpOffset + tcpLength;
    }
}
