package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Rendered output that cannot be written yet: an in-memory tail plus, in order before it, the
 * extents already moved to the {@link SpillFile}. Appending never blocks on the spill; the owner
 * decides when to {@link #spill} and counts {@link #inMemory()} against its limit.
 */
final class HeldOutput {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[0];
    private int length;
    /** Pairs of (position, length) in the spill file, in output order. */
    private long[] extents = new long[0];
    private int extentCount;

    /** Heap held for the in-memory tail (its allocated size, not just the bytes used). */
    int inMemory() {
        return bytes.length;
    }

    boolean isEmpty() {
        return length == 0 && extentCount == 0;
    }

    void append(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    /** ASCII text (only characters below 0x80 are ever appended). */
    void append(String ascii) {
        int n = ascii.length();
        ensure(n);
        ascii.getBytes(0, n, bytes, length);   // deprecated for non-Latin-1 text; exact for ASCII
        length += n;
    }

    void append(long number) {
        append(Long.toString(number));
    }

    void appendHex(byte[] data) {
        ensure(data.length * 2);
        int at = length;
        for (byte b : data) {
            bytes[at++] = HEX[(b >> 4) & 0xF];
            bytes[at++] = HEX[b & 0xF];
        }
        length = at;
    }

    /** tshark's ASCII view: printable characters, CR and LF as they are, everything else as '.'. */
    void appendPrintable(byte[] data) {
        ensure(data.length);
        int at = length;
        for (byte b : data) {
            int c = b & 0xFF;
            bytes[at++] = c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F) ? b : (byte) '.';
        }
        length = at;
    }

    void appendRaw(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    /** Moves the in-memory bytes to the end of {@code file} and frees them; returns how many moved. */
    int spill(SpillFile file) throws IOException {
        int moved = length;
        if (moved == 0) {
            return 0;
        }
        long at = file.append(bytes, length);
        if (extentCount * 2 == extents.length) {
            extents = Arrays.copyOf(extents, Math.max(4, extents.length * 2));
        }
        extents[extentCount * 2] = at;
        extents[extentCount * 2 + 1] = moved;
        extentCount++;
        bytes = new byte[0];
        length = 0;
        return moved;
    }

    /** Writes everything held, spilled part first. */
    void writeTo(OutputStream out, SpillFile file, byte[] scratch) throws IOException {
        for (int i = 0; i < extentCount; i++) {
            file.copy(extents[i * 2], extents[i * 2 + 1], out, scratch);
        }
        out.write(bytes, 0, length);
    }

    private void ensure(int more) {
        if (bytes.length - length < more) {
            long wanted = Math.max((long) length + more, Math.max(256, (long) bytes.length * 2));
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("held output of " + length + " bytes cannot grow by " + more);
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }
}
