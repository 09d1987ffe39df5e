package org.paqet4j.tunnel.compress;

import java.util.zip.CRC32C;

/**
 * Constants of snappy's framing format as kcptun uses it (golang/snappy's buffered writer and
 * reader): a stream identifier chunk, then chunks of a 1-byte type, a 3-byte little-endian length
 * and a body whose first 4 bytes are the masked CRC-32C of the uncompressed data.
 */
final class SnappyFraming {

    /** The stream identifier chunk: type 0xff, length 6, "sNaPpY". */
    static final byte[] STREAM_IDENTIFIER = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

    static final int TYPE_COMPRESSED = 0x00;
    static final int TYPE_UNCOMPRESSED = 0x01;
    static final int TYPE_PADDING = 0xfe;
    static final int TYPE_STREAM_IDENTIFIER = 0xff;
    /** Types 0x02-0x7f are reserved and unskippable, 0x80-0xfd reserved and skippable. */
    static final int FIRST_SKIPPABLE = 0x80;

    static final int HEADER_BYTES = 4;
    static final int CHECKSUM_BYTES = 4;
    /** Uncompressed bytes per chunk at most (both writer and reader). */
    static final int MAX_BLOCK = 65536;
    /** snappy's worst-case encoded length of {@link #MAX_BLOCK} bytes: 32 + n + n / 6. */
    static final int MAX_ENCODED_BLOCK = 32 + MAX_BLOCK + MAX_BLOCK / 6;
    /** The longest chunk body golang/snappy's reader accepts, of any type. */
    static final int MAX_CHUNK_BODY = MAX_ENCODED_BLOCK + CHECKSUM_BYTES;

    private SnappyFraming() {}

    /** CRC-32C of the data, rotated right by 15 bits plus 0xa282ead8, as the format specifies. */
    static int maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** Writes {@code value} as 4 little-endian bytes at {@code offset}. */
    static void putIntLe(byte[] to, int offset, int value) {
        to[offset] = (byte) value;
        to[offset + 1] = (byte) (value >>> 8);
        to[offset + 2] = (byte) (value >>> 16);
        to[offset + 3] = (byte) (value >>> 24);
    }

    static int intLe(byte[] from, int offset) {
        return (from[offset] & 0xff)
                | (from[offset + 1] & 0xff) << 8
                | (from[offset + 2] & 0xff) << 16
                | (from[offset + 3] & 0xff) << 24;
    }
}
