package org.paqet4j.tunnel.compress;

import static org.paqet4j.tunnel.compress.SnappyFraming.CHECKSUM_BYTES;
import static org.paqet4j.tunnel.compress.SnappyFraming.HEADER_BYTES;
import static org.paqet4j.tunnel.compress.SnappyFraming.MAX_BLOCK;
import static org.paqet4j.tunnel.compress.SnappyFraming.MAX_ENCODED_BLOCK;
import static org.paqet4j.tunnel.compress.SnappyFraming.STREAM_IDENTIFIER;
import static org.paqet4j.tunnel.compress.SnappyFraming.TYPE_COMPRESSED;
import static org.paqet4j.tunnel.compress.SnappyFraming.TYPE_UNCOMPRESSED;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes snappy's framing format the way kcptun does (golang/snappy's buffered writer flushed after
 * every write): each {@code write} becomes chunks of at most 64 KiB at once, nothing is held back,
 * and the stream identifier goes out in front of the first chunk. A block is sent compressed only
 * when that saves at least an eighth of it, else as an uncompressed chunk, as golang/snappy
 * decides; every chunk goes to the underlying stream in one write.
 */
public final class SnappyFrameOutputStream extends OutputStream {

    private static final int PREFIX = STREAM_IDENTIFIER.length + HEADER_BYTES + CHECKSUM_BYTES;

    private final OutputStream out;
    /** [room for the stream identifier][chunk header][checksum][compressed or raw block]. */
    private final byte[] chunk = new byte[PREFIX + MAX_ENCODED_BLOCK];

    private boolean identifierSent;

    public SnappyFrameOutputStream(OutputStream out) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        SnappyBlocks.requireNative();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int block = Math.min(len, MAX_BLOCK);
            writeChunk(b, off, block);
            off += block;
            len -= block;
        }
    }

    private void writeChunk(byte[] data, int off, int len) throws IOException {
        int start = STREAM_IDENTIFIER.length;
        if (!identifierSent) {
            System.arraycopy(STREAM_IDENTIFIER, 0, chunk, 0, STREAM_IDENTIFIER.length);
            start = 0;
        }
        int crc = SnappyFraming.maskedCrc(data, off, len);
        int compressed = SnappyBlocks.compress(data, off, len, chunk, PREFIX);
        int type = TYPE_COMPRESSED;
        int body = compressed;
        if (compressed >= len - len / 8) {
            type = TYPE_UNCOMPRESSED;
            body = len;
            System.arraycopy(data, off, chunk, PREFIX, len);
        }
        int header = STREAM_IDENTIFIER.length;
        SnappyFraming.putIntLe(chunk, header, type | (CHECKSUM_BYTES + body) << 8);
        SnappyFraming.putIntLe(chunk, header + HEADER_BYTES, crc);
        out.write(chunk, start, PREFIX + body - start);
        identifierSent = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
