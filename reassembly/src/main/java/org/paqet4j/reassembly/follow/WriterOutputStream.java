package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * Bytes to a {@link Writer} as ISO-8859-1 characters: follow's output is ASCII, so this is exact.
 * For callers that only have a writer; with an {@link OutputStream} at hand, write to it directly.
 */
public final class WriterOutputStream extends OutputStream {

    private final Writer writer;
    private final char[] chars = new char[8192];

    public WriterOutputStream(Writer writer) {
        this.writer = writer;
    }

    @Override
    public void write(int b) throws IOException {
        writer.write(b & 0xFF);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, chars.length);
            for (int i = 0; i < n; i++) {
                chars[i] = (char) (bytes[offset + i] & 0xFF);
            }
            writer.write(chars, 0, n);
            offset += n;
            length -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }
}
