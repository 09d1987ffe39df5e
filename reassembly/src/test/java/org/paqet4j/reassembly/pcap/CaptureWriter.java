package org.paqet4j.reassembly.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes test captures in every format the reader takes: classic pcap with microsecond or
 * nanosecond magic in either byte order, and pcapng (either byte order, microsecond or nanosecond
 * if_tsresol, enhanced or simple packet blocks).
 */
public final class CaptureWriter implements Closeable {

    public enum Format {
        PCAP_MICROS_LE,
        PCAP_NANOS_BE,
        PCAPNG_MICROS_LE,
        PCAPNG_NANOS_BE,
        PCAPNG_SIMPLE_LE
    }

    private final OutputStream out;
    private final Format format;
    private final ByteOrder order;

    public CaptureWriter(OutputStream out, Format format, int linkType) throws IOException {
        this.out = out;
        this.format = format;
        this.order = format.name().endsWith("_LE") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        switch (format) {
            case PCAP_MICROS_LE, PCAP_NANOS_BE -> {
                ByteBuffer b = ByteBuffer.allocate(24).order(order);
                b.putInt(format == Format.PCAP_MICROS_LE ? 0xA1B2_C3D4 : 0xA1B2_3C4D)
                        .putShort((short) 2)
                        .putShort((short) 4)
                        .putInt(0)
                        .putInt(0)
                        .putInt(262_144)
                        .putInt(linkType);
                out.write(b.array());
            }
            default -> {
                ByteBuffer shb = ByteBuffer.allocate(28).order(order);
                shb.putInt(0x0A0D_0D0A)
                        .putInt(28)
                        .putInt(0x1A2B_3C4D)
                        .putShort((short) 1)
                        .putShort((short) 0)
                        .putLong(-1)
                        .putInt(28);
                out.write(shb.array());
                boolean nanos = format == Format.PCAPNG_NANOS_BE;
                int length = 20 + (nanos ? 8 : 0) + 4;
                ByteBuffer idb = ByteBuffer.allocate(length).order(order);
                idb.putInt(1)
                        .putInt(length)
                        .putShort((short) linkType)
                        .putShort((short) 0)
                        .putInt(262_144);
                if (nanos) {
                    idb.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]);
                }
                idb.putShort((short) 0).putShort((short) 0).putInt(length);
                out.write(idb.array());
            }
        }
    }

    public void write(byte[] frame, long nanos) throws IOException {
        int padded = (frame.length + 3) & ~3;
        switch (format) {
            case PCAP_MICROS_LE, PCAP_NANOS_BE -> {
                ByteBuffer b = ByteBuffer.allocate(16).order(order);
                long fraction =
                        format == Format.PCAP_MICROS_LE ? nanos % 1_000_000_000L / 1000 : nanos % 1_000_000_000L;
                b.putInt((int) (nanos / 1_000_000_000L))
                        .putInt((int) fraction)
                        .putInt(frame.length)
                        .putInt(frame.length);
                out.write(b.array());
                out.write(frame);
            }
            case PCAPNG_SIMPLE_LE -> {
                int length = 16 + padded;
                ByteBuffer b = ByteBuffer.allocate(length).order(order);
                b.putInt(3).putInt(length).putInt(frame.length).put(frame).position(length - 4);
                b.putInt(length);
                out.write(b.array());
            }
            default -> {
                int length = 32 + padded;
                long units = format == Format.PCAPNG_NANOS_BE ? nanos : nanos / 1000;
                ByteBuffer b = ByteBuffer.allocate(length).order(order);
                b.putInt(6)
                        .putInt(length)
                        .putInt(0)
                        .putInt((int) (units >>> 32))
                        .putInt((int) units)
                        .putInt(frame.length)
                        .putInt(frame.length)
                        .put(frame)
                        .position(length - 4);
                b.putInt(length);
                out.write(b.array());
            }
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
