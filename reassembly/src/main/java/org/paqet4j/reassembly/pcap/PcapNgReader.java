package org.paqet4j.reassembly.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * pcapng: section header, interface description (link type, snap length, {@code if_tsresol},
 * {@code if_tsoffset}), enhanced and simple packet blocks; other blocks are skipped. Each section
 * has its own byte order and interfaces.
 */
public final class PcapNgReader implements CaptureReader {

    static final int SECTION_HEADER = 0x0A0D_0D0A;
    private static final int INTERFACE = 1;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B_3C4D;

    private record Interface(int linkType, long snapLength, boolean binary, int exponent, long offsetSeconds) {}

    private final InputStream stream;
    private final Input in;
    private ByteOrder order;
    private final List<Interface> interfaces = new ArrayList<>();
    private final byte[] head = new byte[8];
    private long frames;
    /** The section header's first four bytes were already consumed by {@link CaptureReader#open}. */
    private boolean typeConsumed = true;

    PcapNgReader(InputStream stream, Input in) {
        this.stream = stream;
        this.in = in;
    }

    @Override
    public CapturedFrame next() throws IOException {
        while (true) {
            long start = in.offset() - (typeConsumed ? 4 : 0);
            int type;
            byte[] lengthBytes = new byte[4];
            if (typeConsumed) {
                typeConsumed = false;
                type = SECTION_HEADER;
                in.readRequired(lengthBytes, 4, "the section header's length");
            } else {
                if (!in.read(head, 8, "a block header")) {
                    return null;
                }
                // the section header's type reads the same in both byte orders; other types are in the section's
                type = ByteBuffer.wrap(head)
                        .order(order == null ? ByteOrder.BIG_ENDIAN : order)
                        .getInt(0);
                if (type != SECTION_HEADER && order == null) {
                    throw new CaptureFormatException(start, "block before the first section header");
                }
                System.arraycopy(head, 4, lengthBytes, 0, 4);
            }
            if (type == SECTION_HEADER) {
                byte[] bom = new byte[4];
                in.readRequired(bom, 4, "the byte-order magic");
                if (raw(bom, 0) == BYTE_ORDER_MAGIC) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (Integer.reverseBytes(raw(bom, 0)) == BYTE_ORDER_MAGIC) {
                    order = ByteOrder.LITTLE_ENDIAN;
                } else {
                    throw new CaptureFormatException(start + 8, String.format("byte-order magic 0x%08x", raw(bom, 0)));
                }
                long length = checkedLength(start, lengthBytes, 28);
                byte[] body = new byte[(int) length - 12];
                in.readRequired(body, body.length, "the section header");
                checkTrailer(start, length, body);
                int major = ByteBuffer.wrap(body).order(order).getShort(0) & 0xFFFF;
                if (major != 1) {
                    throw new CaptureFormatException(start + 12, "pcapng major version " + major + ", expected 1");
                }
                interfaces.clear();
                continue;
            }
            long length = checkedLength(start, lengthBytes, 12);
            byte[] body = new byte[(int) length - 8];
            in.readRequired(body, body.length, "a block of type ", type & 0xFFFF_FFFFL);
            checkTrailer(start, length, body);
            ByteBuffer b = ByteBuffer.wrap(body, 0, body.length - 4).slice().order(order);
            switch (type) {
                case INTERFACE -> interfaces.add(readInterface(start, b));
                case ENHANCED_PACKET -> {
                    return enhanced(start, b);
                }
                case SIMPLE_PACKET -> {
                    return simple(start, b);
                }
                default -> {
                    // name resolution, statistics, custom blocks: nothing for reassembly
                }
            }
        }
    }

    private long checkedLength(long start, byte[] lengthBytes, int minimum) throws CaptureFormatException {
        long length = ByteBuffer.wrap(lengthBytes).order(order).getInt() & 0xFFFF_FFFFL;
        if (length < minimum || length % 4 != 0 || length > ClassicPcapReader.MAX_RECORD) {
            throw new CaptureFormatException(
                    start + 4,
                    "block total length " + length + " (must be a multiple of 4 between " + minimum + " and "
                            + ClassicPcapReader.MAX_RECORD + ")");
        }
        return length;
    }

    private void checkTrailer(long start, long length, byte[] body) throws CaptureFormatException {
        long trailer = ByteBuffer.wrap(body).order(order).getInt(body.length - 4) & 0xFFFF_FFFFL;
        if (trailer != length) {
            throw new CaptureFormatException(
                    start + length - 4, "trailing block length " + trailer + " differs from " + length);
        }
    }

    private Interface readInterface(long start, ByteBuffer b) throws CaptureFormatException {
        if (b.remaining() < 8) {
            throw new CaptureFormatException(start + 8, "interface block of " + b.remaining() + " bytes, need 8");
        }
        int linkType = b.getShort(0) & 0xFFFF;
        long snap = b.getInt(4) & 0xFFFF_FFFFL;
        boolean binary = false;
        int exponent = 6;
        long offsetSeconds = 0;
        int at = 8;
        while (at + 4 <= b.limit()) {
            int code = b.getShort(at) & 0xFFFF;
            int length = b.getShort(at + 2) & 0xFFFF;
            int value = at + 4;
            if (code == 0) {
                break;
            }
            if (value + length > b.limit()) {
                throw new CaptureFormatException(
                        start + 8 + at + 2, "option " + code + " length " + length + " runs past the block");
            }
            if (code == 9 && length >= 1) {
                int resolution = b.get(value) & 0xFF;
                binary = (resolution & 0x80) != 0;
                exponent = resolution & 0x7F;
                if (binary ? exponent > 62 : exponent > 18) {
                    throw new CaptureFormatException(start + 8 + value, "if_tsresol " + resolution + " out of range");
                }
            } else if (code == 14 && length >= 8) {
                offsetSeconds = b.getLong(value);
            }
            at = value + ((length + 3) & ~3);
        }
        return new Interface(linkType, snap, binary, exponent, offsetSeconds);
    }

    private CapturedFrame enhanced(long start, ByteBuffer b) throws CaptureFormatException {
        if (b.remaining() < 20) {
            throw new CaptureFormatException(
                    start + 8, "enhanced packet block of " + b.remaining() + " bytes, need 20");
        }
        long id = b.getInt(0) & 0xFFFF_FFFFL;
        if (id >= interfaces.size()) {
            throw new CaptureFormatException(
                    start + 8, "interface id " + id + " but " + interfaces.size() + " interfaces defined");
        }
        Interface iface = interfaces.get((int) id);
        long units = ((b.getInt(4) & 0xFFFF_FFFFL) << 32) | (b.getInt(8) & 0xFFFF_FFFFL);
        long captured = b.getInt(12) & 0xFFFF_FFFFL;
        long original = b.getInt(16) & 0xFFFF_FFFFL;
        if (captured > b.remaining() - 20) {
            throw new CaptureFormatException(
                    start + 20,
                    "captured length " + captured + " exceeds the block's " + (b.remaining() - 20) + " data bytes");
        }
        byte[] data = new byte[(int) captured];
        b.get(20, data);
        frames++;
        return new CapturedFrame(frames, nanos(iface, units), iface.linkType(), data, original);
    }

    private CapturedFrame simple(long start, ByteBuffer b) throws CaptureFormatException {
        if (interfaces.isEmpty()) {
            throw new CaptureFormatException(start, "simple packet block without an interface block");
        }
        if (b.remaining() < 4) {
            throw new CaptureFormatException(start + 8, "simple packet block of " + b.remaining() + " bytes, need 4");
        }
        Interface iface = interfaces.getFirst();
        long original = b.getInt(0) & 0xFFFF_FFFFL;
        long captured = Math.min(original, b.remaining() - 4);
        if (iface.snapLength() > 0) {
            captured = Math.min(captured, iface.snapLength());
        }
        byte[] data = new byte[(int) captured];
        b.get(4, data);
        frames++;
        return new CapturedFrame(frames, 0, iface.linkType(), data, original);
    }

    /** Timestamp units to nanoseconds: 10^-e or 2^-e seconds per unit, plus the interface's offset. */
    private static long nanos(Interface iface, long units) {
        long base = iface.offsetSeconds() * 1_000_000_000L;
        int e = iface.exponent();
        if (iface.binary()) {
            long whole = units >>> e;
            long fraction = units & ((1L << e) - 1);
            return base + whole * 1_000_000_000L + Math.multiplyHigh(fraction << (63 - e), 2_000_000_000L);
        }
        if (e <= 9) {
            return base + units * pow10(9 - e);
        }
        return base + Long.divideUnsigned(units, pow10(e - 9));
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private static int raw(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
