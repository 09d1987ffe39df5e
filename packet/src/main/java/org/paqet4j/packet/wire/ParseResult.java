package org.paqet4j.packet.wire;

/** What {@link PacketParser} made of a captured packet. */
public enum ParseResult {
    /** A TCP segment with payload; the {@link TcpPacket} holds its fields. */
    OK,
    /** Not an unfragmented IPv4/IPv6 TCP segment (other protocol, fragment, unknown link type). */
    NOT_TCP,
    /** A TCP segment without payload: paqet never sends those, so they are not ours. */
    NO_PAYLOAD,
    /** Shorter than a header or a length field claims. */
    TRUNCATED,
    /** The IPv4 header checksum or the TCP checksum is wrong. */
    BAD_CHECKSUM
}
