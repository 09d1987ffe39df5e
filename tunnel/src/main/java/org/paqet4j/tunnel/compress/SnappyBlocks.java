package org.paqet4j.tunnel.compress;

import java.io.IOException;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * The snappy block codec (snappy-java's native library), with the checks its array methods leave
 * to the caller: the native decoder writes as many bytes as the block's own length header says, so
 * that header is read and bounded before anything is decoded.
 */
final class SnappyBlocks {

    private SnappyBlocks() {}

    /** Loads the native library now, so that a missing one fails a session's setup with a message. */
    static void requireNative() throws IOException {
        try {
            Snappy.maxCompressedLength(SnappyFraming.MAX_BLOCK);
        } catch (SnappyError | UnsatisfiedLinkError e) {
            throw new IOException(
                    "snappy compression needs snappy-java's native library, which it extracts to"
                            + " java.io.tmpdir (or org.xerial.snappy.tempdir): " + e.getMessage(),
                    e);
        }
    }

    /** Compresses {@code length} bytes into {@code out} (at least {@link SnappyFraming#MAX_ENCODED_BLOCK} long). */
    static int compress(byte[] in, int offset, int length, byte[] out, int outOffset) throws IOException {
        return Snappy.compress(in, offset, length, out, outOffset);
    }

    /**
     * Decodes one block into {@code out} at 0 and returns its length, at most {@code out.length}.
     *
     * @throws IOException naming the field when the block's length header is bad or too large, or
     *     when the block does not decode
     */
    static int uncompress(byte[] in, int offset, int length, byte[] out) throws IOException {
        long declared = declaredLength(in, offset, length);
        if (declared > out.length) {
            throw new IOException("snappy compressed chunk: decoded length " + declared + " exceeds the " + out.length
                    + "-byte block limit");
        }
        int n;
        try {
            n = Snappy.uncompress(in, offset, length, out, 0);
        } catch (IOException e) {
            throw new IOException(
                    "snappy compressed chunk: corrupt block of " + length + " bytes: " + e.getMessage(), e);
        }
        if (n != declared) {
            throw new IOException(
                    "snappy compressed chunk: decoded " + n + " bytes, its length header says " + declared);
        }
        return n;
    }

    /** The uncompressed length a block starts with (a little-endian base-128 varint of at most 32 bits). */
    static long declaredLength(byte[] in, int offset, int length) throws IOException {
        long value = 0;
        for (int i = 0; i < 5; i++) {
            if (i >= length) {
                throw new IOException("snappy compressed chunk: length header cut off after " + i + " bytes");
            }
            int b = in[offset + i] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > 0xffffffffL) {
                    throw new IOException("snappy compressed chunk: length header " + value + " exceeds 32 bits");
                }
                return value;
            }
        }
        throw new IOException("snappy compressed chunk: length header longer than 5 bytes");
    }
}
