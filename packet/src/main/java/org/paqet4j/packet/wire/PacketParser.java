package org.paqet4j.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Parses captured packets (Ethernet frames or raw IP packets) down to the TCP payload. Never
 * trusts a length field: every header is checked against the bytes actually captured, and the
 * IP length fields win over trailing Ethernet padding. Never throws for any input; the result
 * says why a packet was refused.
 */
public final class PacketParser {

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;

    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Extension headers walked before giving up; real packets have one or two. */
    private static final int MAX_EXTENSION_HEADERS = 8;

    private PacketParser() {}

    /** Parses an Ethernet frame of {@code length} bytes at {@code offset}. */
    public static ParseResult parseEthernet(
            MemorySegment segment, long offset, int length, boolean verifyChecksums, TcpPacket out) {
        if (length < TcpPacketTemplate.ETHERNET_HEADER) {
            return ParseResult.TRUNCATED;
        }
        int etherType = u16(segment, offset + 12);
        if (etherType != ETHERTYPE_IPV4 && etherType != ETHERTYPE_IPV6) {
            return ParseResult.NOT_TCP;
        }
        return parseIp(segment, offset + 14, length - 14, verifyChecksums, out);
    }

    /** Parses a raw IPv4 or IPv6 packet; the version nibble decides. */
    public static ParseResult parseIp(
            MemorySegment segment, long offset, int length, boolean verifyChecksums, TcpPacket out) {
        if (length < 1) {
            return ParseResult.TRUNCATED;
        }
        int version = (segment.get(ValueLayout.JAVA_BYTE, offset) & 0xF0) >>> 4;
        if (version == 4) {
            return parseIpv4(segment, offset, length, verifyChecksums, out);
        }
        if (version == 6) {
            return parseIpv6(segment, offset, length, verifyChecksums, out);
        }
        return ParseResult.NOT_TCP;
    }

    private static ParseResult parseIpv4(MemorySegment s, long ip, int length, boolean verify, TcpPacket out) {
        if (length < 20) {
            return ParseResult.TRUNCATED;
        }
        int headerLength = (s.get(ValueLayout.JAVA_BYTE, ip) & 0x0F) * 4;
        int totalLength = u16(s, ip + 2);
        if (headerLength < 20 || totalLength < headerLength || totalLength > length) {
            return ParseResult.TRUNCATED;
        }
        if ((s.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF) != 6) {
            return ParseResult.NOT_TCP;
        }
        if ((u16(s, ip + 6) & 0x3FFF) != 0) {
            return ParseResult.NOT_TCP; // a fragment (MF set or offset > 0): never one of ours
        }
        if (verify && Checksum.of(s, ip, headerLength) != 0) {
            return ParseResult.BAD_CHECKSUM;
        }
        long pseudo = verify ? Checksum.add(0, s, ip + 12, 8) + 6 : 0;
        return parseTcp(s, 4, ip, ip + headerLength, totalLength - headerLength, pseudo, verify, out);
    }

    private static ParseResult parseIpv6(MemorySegment s, long ip, int length, boolean verify, TcpPacket out) {
        if (length < 40) {
            return ParseResult.TRUNCATED;
        }
        int payloadLength = u16(s, ip + 4);
        if (payloadLength > length - 40) {
            return ParseResult.TRUNCATED;
        }
        int next = s.get(ValueLayout.JAVA_BYTE, ip + 6) & 0xFF;
        long header = ip + 40;
        long end = header + payloadLength;
        for (int walked = 0; next != 6; walked++) {
            if (walked == MAX_EXTENSION_HEADERS) {
                return ParseResult.NOT_TCP;
            }
            if (end - header < 8) {
                return ParseResult.TRUNCATED;
            }
            int extensionLength;
            switch (next) {
                case 0, 43, 60 -> extensionLength = ((s.get(ValueLayout.JAVA_BYTE, header + 1) & 0xFF) + 1) * 8;
                case 51 -> extensionLength = ((s.get(ValueLayout.JAVA_BYTE, header + 1) & 0xFF) + 2) * 4;
                case 44 -> {
                    // only an atomic fragment (offset 0, no more fragments) holds a whole segment
                    if ((u16(s, header + 2) & 0xFFF9) != 0) {
                        return ParseResult.NOT_TCP;
                    }
                    extensionLength = 8;
                }
                default -> {
                    return ParseResult.NOT_TCP;
                }
            }
            if (extensionLength > end - header) {
                return ParseResult.TRUNCATED;
            }
            next = s.get(ValueLayout.JAVA_BYTE, header) & 0xFF;
            header += extensionLength;
        }
        long pseudo = verify ? Checksum.add(0, s, ip + 8, 32) + 6 : 0;
        return parseTcp(s, 6, ip, header, (int) (end - header), pseudo, verify, out);
    }

    private static ParseResult parseTcp(
            MemorySegment s,
            int version,
            long ip,
            long tcp,
            int tcpLength,
            long pseudo,
            boolean verify,
            TcpPacket out) {
        if (tcpLength < 20) {
            return ParseResult.TRUNCATED;
        }
        int offsetAndFlags = u16(s, tcp + 12);
        int headerLength = (offsetAndFlags >>> 12) * 4;
        if (headerLength < 20 || headerLength > tcpLength) {
            return ParseResult.TRUNCATED;
        }
        int payloadLength = tcpLength - headerLength;
        if (payloadLength == 0) {
            return ParseResult.NO_PAYLOAD;
        }
        if (verify && Checksum.finish(Checksum.add(pseudo + tcpLength, s, tcp, tcpLength)) != 0) {
            return ParseResult.BAD_CHECKSUM;
        }
        out.segment = s;
        out.ipVersion = version;
        out.ipOffset = ip;
        out.tcpOffset = tcp;
        out.sourcePort = u16(s, tcp);
        out.destinationPort = u16(s, tcp + 2);
        out.sequence = s.get(INT_BE, tcp + 4);
        out.acknowledgement = s.get(INT_BE, tcp + 8);
        out.flags = offsetAndFlags & 0x1FF;
        out.window = u16(s, tcp + 14);
        out.tcpHeaderLength = headerLength;
        out.payloadOffset = tcp + headerLength;
        out.payloadLength = payloadLength;
        return ParseResult.OK;
    }

    private static int u16(MemorySegment s, long offset) {
        return s.get(SHORT_BE, offset) & 0xFFFF;
    }
}
