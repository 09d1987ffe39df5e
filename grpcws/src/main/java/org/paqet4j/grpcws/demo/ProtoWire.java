package org.paqet4j.grpcws.demo;

import java.io.ByteArrayOutputStream;

/**
 * Protobuf wire format for the two demo messages, by hand (the demo needs no generated code).
 * Decoding checks every length against the bytes present and skips unknown fields, as protobuf
 * requires; a malformed message is an {@link IllegalArgumentException} naming what was wrong.
 */
final class ProtoWire {

    private static final int VARINT = 0;
    private static final int I64 = 1;
    private static final int LEN = 2;
    private static final int I32 = 5;

    private ProtoWire() {}

    static byte[] encode(EchoMessage m) {
        byte[] p = m.payloadShared();
        if (p.length == 0) {
            return new byte[0]; // proto3 leaves default values out
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.length + 6);
        writeVarint(out, (1 << 3) | LEN);
        writeVarint(out, p.length);
        out.write(p, 0, p.length);
        return out.toByteArray();
    }

    static byte[] encode(StreamRequest r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(24);
        if (r.totalBytes() != 0) {
            writeVarint(out, (1 << 3) | VARINT);
            writeVarint(out, r.totalBytes());
        }
        if (r.chunkBytes() != 0) {
            writeVarint(out, (2 << 3) | VARINT);
            writeVarint(out, Integer.toUnsignedLong(r.chunkBytes()));
        }
        if (r.seed() != 0) {
            writeVarint(out, (3 << 3) | VARINT);
            writeVarint(out, Integer.toUnsignedLong(r.seed()));
        }
        return out.toByteArray();
    }

    static EchoMessage decodeEcho(byte[] b) {
        Reader in = new Reader(b);
        byte[] payload = new byte[0];
        while (in.more()) {
            long tag = in.varint();
            if (tag >>> 3 == 1 && (tag & 7) == LEN) {
                payload = in.bytes();
            } else {
                in.skip(tag);
            }
        }
        return EchoMessage.owning(payload);
    }

    static StreamRequest decodeStreamRequest(byte[] b) {
        Reader in = new Reader(b);
        long total = 0;
        int chunk = 0;
        int seed = 0;
        while (in.more()) {
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            if ((tag & 7) == VARINT && field >= 1 && field <= 3) {
                long v = in.varint();
                switch (field) {
                    case 1 -> total = v;
                    case 2 -> chunk = (int) v; // uint32: protobuf truncates to the low 32 bits
                    default -> seed = (int) v;
                }
            } else {
                in.skip(tag);
            }
        }
        return new StreamRequest(total, chunk, seed);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= b.length) {
                    throw new IllegalArgumentException("varint runs past the end of a " + b.length + "-byte message");
                }
                int x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at offset " + pos);
        }

        byte[] bytes() {
            long len = varint();
            if (len < 0 || len > b.length - pos) {
                throw new IllegalArgumentException(
                        "length " + len + " at offset " + pos + " exceeds the " + (b.length - pos) + " bytes left");
            }
            byte[] out = new byte[(int) len];
            System.arraycopy(b, pos, out, 0, out.length);
            pos += out.length;
            return out;
        }

        void skip(long tag) {
            switch ((int) (tag & 7)) {
                case VARINT -> varint();
                case I64 -> advance(8);
                case LEN -> bytes();
                case I32 -> advance(4);
                default ->
                    throw new IllegalArgumentException(
                            "unsupported wire type " + (tag & 7) + " of field " + (tag >>> 3));
            }
        }

        private void advance(int n) {
            if (n > b.length - pos) {
                throw new IllegalArgumentException("field of " + n + " bytes runs past the end at offset " + pos);
            }
            pos += n;
        }
    }
}
