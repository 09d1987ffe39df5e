package org.paqet4j.reassembly.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A buffered input stream for one reading thread: unlike {@link java.io.BufferedInputStream} it
 * takes no lock per call, and a capture reader calls it twice per packet. Reads larger than the
 * buffer go straight to the source.
 */
final class PlainBufferedInput extends InputStream {

    private final InputStream source;
    private final byte[] buffer;
    private int position;
    private int limit;

    PlainBufferedInput(InputStream source, int bufferSize) {
        this.source = Objects.requireNonNull(source, "source");
        this.buffer = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        int available = limit - position;
        if (available == 0) {
            if (length >= buffer.length) {
                return source.read(into, offset, length);
            }
            if (!fill()) {
                return -1;
            }
            available = limit - position;
        }
        int n = Math.min(available, length);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return limit - position + source.available();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private boolean fill() throws IOException {
        int n = source.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
