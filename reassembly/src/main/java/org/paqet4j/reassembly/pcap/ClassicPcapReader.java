package org.paqet4j.reassembly.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Classic pcap: microsecond (0xA1B2C3D4) or nanosecond (0xA1B23C4D) magic, in either byte order. */
public final class ClassicPcapReader implements CaptureReader {

    /** Larger records are refused: no real capture has them, and a corrupt length must not allocate gigabytes. */
    static final int MAX_RECORD = 1 << 24;

    private final InputStream stream;
    private final Input in;
    private final ByteOrder order;
    private final long unitNanos;
    private final int linkType;
    private final byte[] header = new byte[16];
    private long frames;

    ClassicPcapReader(InputStream stream, Input in, byte[] magic) throws IOException {
        this.stream = stream;
        this.in = in;
        int little = ByteBuffer.wrap(magic).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int big = ByteBuffer.wrap(magic).order(ByteOrder.BIG_ENDIAN).getInt();
        if (little == 0xA1B2_C3D4 || little == 0xA1B2_3C4D) {
            order = ByteOrder.LITTLE_ENDIAN;
            unitNanos = little == 0xA1B2_C3D4 ? 1000 : 1;
        } else if (big == 0xA1B2_C3D4 || big == 0xA1B2_3C4D) {
            order = ByteOrder.BIG_ENDIAN;
            unitNanos = big == 0xA1B2_C3D4 ? 1000 : 1;
        } else {
            throw new CaptureFormatException(0, String.format("magic 0x%08x is neither pcap nor pcapng", big));
        }
        byte[] rest = new byte[20];
        in.readRequired(rest, 20, "the pcap file header");
        ByteBuffer b = ByteBuffer.wrap(rest).order(order);
        int major = b.getShort(0) & 0xFFFF;
        if (major != 2) {
            throw new CaptureFormatException(4, "pcap major version " + major + ", expected 2");
        }
        // the upper bits of the link-type field carry FCS information (pcap-linktype(7))
        linkType = b.getInt(16) & 0x0FFF_FFFF;
    }

    public int linkType() {
        return linkType;
    }

    @Override
    public CapturedFrame next() throws IOException {
        long start = in.offset();
        if (!in.read(header, 16, "a record header")) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(order);
        long seconds = b.getInt(0) & 0xFFFF_FFFFL;
        long fraction = b.getInt(4) & 0xFFFF_FFFFL;
        long captured = b.getInt(8) & 0xFFFF_FFFFL;
        long original = b.getInt(12) & 0xFFFF_FFFFL;
        if (captured > MAX_RECORD) {
            throw new CaptureFormatException(start + 8, "captured length " + captured + " exceeds " + MAX_RECORD);
        }
        byte[] data = new byte[(int) captured];
        in.readRequired(data, data.length, "the packet data of frame ", frames + 1);
        frames++;
        return new CapturedFrame(frames, seconds * 1_000_000_000L + fraction * unitNanos, linkType, data, original);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
