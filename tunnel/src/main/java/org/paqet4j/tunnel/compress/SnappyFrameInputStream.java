package org.paqet4j.tunnel.compress;

import static org.paqet4j.tunnel.compress.SnappyFraming.CHECKSUM_BYTES;
import static org.paqet4j.tunnel.compress.SnappyFraming.FIRST_SKIPPABLE;
import static org.paqet4j.tunnel.compress.SnappyFraming.HEADER_BYTES;
import static org.paqet4j.tunnel.compress.SnappyFraming.MAX_BLOCK;
import static org.paqet4j.tunnel.compress.SnappyFraming.MAX_CHUNK_BODY;
import static org.paqet4j.tunnel.compress.SnappyFraming.STREAM_IDENTIFIER;
import static org.paqet4j.tunnel.compress.SnappyFraming.TYPE_COMPRESSED;
import static org.paqet4j.tunnel.compress.SnappyFraming.TYPE_STREAM_IDENTIFIER;
import static org.paqet4j.tunnel.compress.SnappyFraming.TYPE_UNCOMPRESSED;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads snappy's framing format as golang/snappy's reader does: the stream must start with the
 * stream identifier; compressed and uncompressed chunks must carry at most 64 KiB whose masked
 * CRC-32C matches; padding and reserved skippable chunks are skipped; reserved unskippable ones are
 * an error. No length field is trusted: a chunk longer than golang/snappy accepts is refused before
 * it is read, and memory stays at one chunk body plus one decoded block. Errors name the chunk's
 * offset in the stream, the field and the value.
 */
public final class SnappyFrameInputStream extends InputStream {

    private final InputStream in;
    private final byte[] header = new byte[HEADER_BYTES];
    private final byte[] body = new byte[MAX_CHUNK_BODY];
    private final byte[] decoded = new byte[MAX_BLOCK];

    private int position;
    private int limit;
    private boolean identifierSeen;
    private boolean failed;
    /** Bytes of the framed stream consumed so far, for error messages. */
    private long offset;

    public SnappyFrameInputStream(InputStream in) throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        SnappyBlocks.requireNative();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(decoded, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads chunks until one yields data; false at a clean end of stream (between chunks). */
    private boolean fill() throws IOException {
        if (failed) {
            throw new IOException("snappy stream: already failed at offset " + offset);
        }
        try {
            while (true) {
                long chunkOffset = offset;
                int got = readUpTo(header, HEADER_BYTES);
                if (got == 0) {
                    return false;
                }
                if (got < HEADER_BYTES) {
                    throw new EOFException(
                            "snappy chunk at offset " + chunkOffset + ": stream ended inside the 4-byte header");
                }
                int type = header[0] & 0xff;
                int length = (header[1] & 0xff) | (header[2] & 0xff) << 8 | (header[3] & 0xff) << 16;
                String where = "snappy chunk at offset " + chunkOffset + " (type 0x" + Integer.toHexString(type) + ")";
                if (!identifierSeen && type != TYPE_STREAM_IDENTIFIER) {
                    throw new IOException(where + ": the stream must start with the stream identifier (type 0xff)");
                }
                if (length > MAX_CHUNK_BODY) {
                    throw new IOException(where + ": length " + length + " exceeds " + MAX_CHUNK_BODY);
                }
                switch (type) {
                    case TYPE_COMPRESSED -> {
                        requireChecksum(where, length);
                        readBody(where, length);
                        limit = SnappyBlocks.uncompress(body, CHECKSUM_BYTES, length - CHECKSUM_BYTES, decoded);
                        position = 0;
                        checkCrc(where, limit);
                    }
                    case TYPE_UNCOMPRESSED -> {
                        requireChecksum(where, length);
                        int data = length - CHECKSUM_BYTES;
                        if (data > MAX_BLOCK) {
                            throw new IOException(
                                    where + ": " + data + " data bytes exceed the block limit " + MAX_BLOCK);
                        }
                        readBody(where, length);
                        System.arraycopy(body, CHECKSUM_BYTES, decoded, 0, data);
                        position = 0;
                        limit = data;
                        checkCrc(where, data);
                    }
                    case TYPE_STREAM_IDENTIFIER -> {
                        int expected = STREAM_IDENTIFIER.length - HEADER_BYTES;
                        if (length != expected) {
                            throw new IOException(
                                    where + ": stream identifier length " + length + ", expected " + expected);
                        }
                        readBody(where, length);
                        if (!Arrays.equals(
                                body, 0, length, STREAM_IDENTIFIER, HEADER_BYTES, STREAM_IDENTIFIER.length)) {
                            throw new IOException(where + ": stream identifier is not \"sNaPpY\"");
                        }
                        identifierSeen = true;
                    }
                    default -> {
                        if (type < FIRST_SKIPPABLE) {
                            throw new IOException(where + ": reserved unskippable chunk type");
                        }
                        readBody(where, length); // padding or a reserved skippable chunk
                    }
                }
                if (position < limit) {
                    return true;
                }
            }
        } catch (IOException e) {
            failed = true;
            position = limit = 0;
            throw e;
        }
    }

    private static void requireChecksum(String where, int length) throws IOException {
        if (length < CHECKSUM_BYTES) {
            throw new IOException(where + ": length " + length + " is shorter than the 4-byte checksum");
        }
    }

    private void readBody(String where, int length) throws IOException {
        int got = readUpTo(body, length);
        if (got < length) {
            throw new EOFException(where + ": stream ended after " + got + " of " + length + " body bytes");
        }
    }

    private void checkCrc(String where, int length) throws IOException {
        int expected = SnappyFraming.intLe(body, 0);
        int actual = SnappyFraming.maskedCrc(decoded, 0, length);
        if (expected != actual) {
            throw new IOException(where + ": checksum 0x" + Integer.toHexString(expected)
                    + " does not match the data's 0x" + Integer.toHexString(actual));
        }
    }

    /** Reads until {@code length} bytes or the end of the stream; returns how many were read. */
    private int readUpTo(byte[] to, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(to, total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        offset += total;
        return total;
    }
}
