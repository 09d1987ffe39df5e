package org.paqet4j.reassembly.follow;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only temporary file for output that has to wait: bytes go in at the end and come back
 * by position. The file is created on the first write (most runs never spill) and deleted on close.
 */
final class SpillFile implements Closeable {

    /** Spilled pieces are often small (one stream's output so far): they gather here, one write per megabyte. */
    private final byte[] pendingWrite = new byte[1 << 20];

    private int pendingLength;
    private final Path directory;
    private FileChannel channel;
    private Path path;
    private long size;

    /** {@code directory} null: the JDK's temporary directory. */
    SpillFile(Path directory) {
        this.directory = directory;
    }

    /** Appends {@code bytes[0, length)}; returns the position they start at. */
    long append(byte[] bytes, int length) throws IOException {
        if (channel == null) {
            path = directory == null
                    ? Files.createTempFile("paqet-follow-", ".spill")
                    : Files.createTempFile(directory, "paqet-follow-", ".spill");
            channel = FileChannel.open(
                    path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        }
        long at = size + pendingLength;
        if (pendingLength + length > pendingWrite.length) {
            writePending();
        }
        if (length > pendingWrite.length) {
            write(bytes, length);
        } else {
            System.arraycopy(bytes, 0, pendingWrite, pendingLength, length);
            pendingLength += length;
        }
        return at;
    }

    private void writePending() throws IOException {
        write(pendingWrite, pendingLength);
        pendingLength = 0;
    }

    private void write(byte[] bytes, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            size += channel.write(buffer, size);
        }
    }

    /** Copies {@code length} bytes from {@code position} to {@code out}, through {@code scratch}. */
    void copy(long position, long length, OutputStream out, byte[] scratch) throws IOException {
        if (position < 0 || length < 0 || position + length > size + pendingLength) {
            throw new IllegalArgumentException("extent " + position + "+" + length + " outside the spill file of "
                    + (size + pendingLength) + " bytes");
        }
        if (position + length > size) {
            writePending();
        }
        long done = 0;
        while (done < length) {
            int chunk = (int) Math.min(scratch.length, length - done);
            ByteBuffer buffer = ByteBuffer.wrap(scratch, 0, chunk);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + done + buffer.position()) < 0) {
                    throw new IOException(
                            "spill file " + path + " ends at " + size + ", before " + (position + length));
                }
            }
            out.write(scratch, 0, chunk);
            done += chunk;
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
            Files.deleteIfExists(path);
        }
    }
}
