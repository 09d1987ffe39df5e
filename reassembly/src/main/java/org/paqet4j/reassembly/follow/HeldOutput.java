package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rendered output that cannot be written yet: an in-memory tail plus, in order before it, the
 * extents already moved to the {@link SpillFile}. Appending never blocks on the spill; the owner
 * decides when to {@link #spill} and counts {@link #inMemory()} against its limit.
 */
final class HeldOutput {

    private static final int MIN_CHUNK = 256;
    private static final int MAX_CHUNK = 64 << 10;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Both hex digits of each byte value as one little-endian short: one table load and one store per byte. */
    private static final short[] HEX_PAIRS = new short[256];

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int b = 0; b < 256; b++) {
            HEX_PAIRS[b] = (short) (HEX[b >> 4] | HEX[b & 0xF] << 8);
        }
    }

    /** The in-memory tail as chunks: growing never copies what is there. */
    private byte[][] chunks = new byte[0][];
    /** Bytes used in each chunk but the last. */
    private int[] fills = new int[0];

    private int chunkCount;
    /** Bytes used in the last chunk. */
    private int used;

    private int allocated;
    private int length;
    /** Pairs of (position, length) in the spill file, in output order. */
    private long[] extents = new long[0];

    private int extentCount;
    /** Whether the printer's list of outputs holding memory has this one: saves a set lookup per event. */
    boolean listed;

    /** Heap held for the in-memory tail (its allocated size, not just the bytes used). */
    int inMemory() {
        return allocated;
    }

    void append(byte b) {
        room(1)[used++] = b;
        length++;
    }

    /** ASCII text (only characters below 0x80 are ever appended). */
    void append(String ascii) {
        int n = ascii.length();
        byte[] chunk = room(n);
        ascii.getBytes(0, n, chunk, used); // deprecated for non-Latin-1 text; exact for ASCII
        used += n;
        length += n;
    }

    void append(long number) {
        append(Long.toString(number));
    }

    void appendHex(byte[] data) {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = room(2);
            int n = Math.min(data.length - done, (chunk.length - used) / 2);
            int at = used;
            for (int i = done; i < done + n; i++) {
                SHORT_LE.set(chunk, at, HEX_PAIRS[data[i] & 0xFF]);
                at += 2;
            }
            used = at;
            length += 2 * n;
            done += n;
        }
    }

    /** tshark's ASCII view: printable characters, CR and LF as they are, everything else as '.'. */
    void appendPrintable(byte[] data) {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = room(1);
            int n = Math.min(data.length - done, chunk.length - used);
            int at = used;
            for (int i = done; i < done + n; i++) {
                byte b = data[i];
                int c = b & 0xFF;
                chunk[at++] = c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F) ? b : (byte) '.';
            }
            used = at;
            length += n;
            done += n;
        }
    }

    void appendRaw(byte[] data) {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = room(1);
            int n = Math.min(data.length - done, chunk.length - used);
            System.arraycopy(data, done, chunk, used, n);
            used += n;
            length += n;
            done += n;
        }
    }

    /**
     * The last chunk when it has {@code bytes} free, else a new one: sized like what is held so far
     * (small for the many small streams, up to 64 KiB), and never smaller than {@code bytes}.
     */
    private byte[] room(int bytes) {
        if (chunkCount > 0 && chunks[chunkCount - 1].length - used >= bytes) {
            return chunks[chunkCount - 1];
        }
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length * 2));
            fills = Arrays.copyOf(fills, chunks.length);
        }
        if (chunkCount > 0) {
            fills[chunkCount - 1] = used;
        }
        byte[] chunk = new byte[Math.max(bytes, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, allocated)))];
        chunks[chunkCount++] = chunk;
        used = 0;
        allocated += chunk.length;
        return chunk;
    }

    /** Moves the in-memory bytes to the end of {@code file} and frees them; returns how many moved. */
    int spill(SpillFile file) throws IOException {
        int moved = length;
        if (moved == 0) {
            return 0;
        }
        long at = -1;
        for (int i = 0; i < chunkCount; i++) {
            long position = file.append(chunks[i], i == chunkCount - 1 ? used : fills[i]);
            if (at < 0) {
                at = position;
            }
        }
        if (extentCount * 2 == extents.length) {
            extents = Arrays.copyOf(extents, Math.max(4, extents.length * 2));
        }
        extents[extentCount * 2] = at;
        extents[extentCount * 2 + 1] = moved;
        extentCount++;
        chunks = new byte[0][];
        fills = new int[0];
        chunkCount = 0;
        used = 0;
        allocated = 0;
        length = 0;
        return moved;
    }

    /** Writes everything held, spilled part first. */
    void writeTo(OutputStream out, SpillFile file, byte[] scratch) throws IOException {
        for (int i = 0; i < extentCount; i++) {
            file.copy(extents[i * 2], extents[i * 2 + 1], out, scratch);
        }
        for (int i = 0; i < chunkCount; i++) {
            out.write(chunks[i], 0, i == chunkCount - 1 ? used : fills[i]);
        }
    }
}
