package org.paqet4j.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The fields of the last TCP segment {@link PacketParser} accepted; one instance is reused per
 * receive loop, so nothing is allocated per packet. Offsets are absolute within the parsed
 * segment, which must stay untouched while the fields are used.
 */
public final class TcpPacket {

    MemorySegment segment;
    int ipVersion;
    long ipOffset;
    long tcpOffset;
    int sourcePort;
    int destinationPort;
    int sequence;
    int acknowledgement;
    int flags;
    int window;
    int tcpHeaderLength;
    long payloadOffset;
    int payloadLength;

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    public long ipOffset() {
        return ipOffset;
    }

    public long tcpOffset() {
        return tcpOffset;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public int sequence() {
        return sequence;
    }

    public int acknowledgement() {
        return acknowledgement;
    }

    /** Flag mask (FIN 1 … NS 256), see {@link TcpFlags}. */
    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    public int tcpHeaderLength() {
        return tcpHeaderLength;
    }

    public long payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** 4 or 16. */
    public int addressLength() {
        return ipVersion == 4 ? 4 : 16;
    }

    /** Offset of the source address in the parsed segment. */
    public long sourceAddressOffset() {
        return ipOffset + (ipVersion == 4 ? 12 : 8);
    }

    public long destinationAddressOffset() {
        return ipOffset + (ipVersion == 4 ? 16 : 24);
    }

    /** The source address as a new object (allocates: for tools and tests, not the hot path). */
    public InetAddress sourceAddress() {
        return address(sourceAddressOffset());
    }

    /** The destination address as a new object (allocates). */
    public InetAddress destinationAddress() {
        return address(destinationAddressOffset());
    }

    /** A copy of the payload (allocates). */
    public byte[] payload() {
        return segment.asSlice(payloadOffset, payloadLength).toArray(ValueLayout.JAVA_BYTE);
    }

    private InetAddress address(long offset) {
        byte[] bytes = segment.asSlice(offset, addressLength()).toArray(ValueLayout.JAVA_BYTE);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + bytes.length, e);
        }
    }
}
