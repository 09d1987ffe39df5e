package org.paqet4j.packet.tools;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classic pcap files (microsecond timestamps, version 2.4), readable by tcpdump, tshark and
 * Wireshark. One writer owns its stream; not thread-safe.
 */
public final class PcapWriter implements Closeable {

    /** Frames starting with an Ethernet header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Packets starting with an IPv4 or IPv6 header (what {@link TunnelSniffer} captures). */
    public static final int LINKTYPE_RAW = 101;

    private static final int SNAP_LENGTH = 262_144;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] scratch = new byte[2048];

    /** Writes the file header for {@code linkType} to {@code out}, which this writer then owns. */
    public PcapWriter(OutputStream out, int linkType) throws IOException {
        if (linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_RAW) {
            throw new IllegalArgumentException("link type must be 1 (Ethernet) or 101 (raw IP), got " + linkType);
        }
        this.out = out;
        header.putInt(0xA1B2_C3D4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(SNAP_LENGTH)
                .putInt(linkType);
        out.write(header.array(), 0, 24);
    }

    /** Appends one packet captured at {@code epochMicros}. */
    public void write(byte[] packet, int offset, int length, long epochMicros) throws IOException {
        header.clear();
        header.putInt((int) (epochMicros / 1_000_000))
                .putInt((int) (epochMicros % 1_000_000))
                .putInt(length)
                .putInt(length);
        out.write(header.array(), 0, 16);
        out.write(packet, offset, length);
    }

    /** Appends {@code length} bytes at {@code offset} of {@code segment}. */
    public void write(MemorySegment segment, long offset, int length, long epochMicros) throws IOException {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratch, 0, length);
        write(scratch, 0, length, epochMicros);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
