package org.paqet4j.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * A {@link PrintWriter} for the process's standard output that also lends out the byte stream
 * under it. A command whose output is bytes already (`follow` writes gigabytes of ASCII) writes
 * them there instead of widening each byte to a character only to have it encoded back.
 */
public final class ByteStreamWriter extends PrintWriter {
    private final OutputStream bytes;

    public ByteStreamWriter(OutputStream bytes, Charset charset) {
        super(new OutputStreamWriter(bytes, charset), true);
        this.bytes = bytes;
    }

    /**
     * The stream under this writer, after flushing what was written as characters so far. The
     * caller flushes its own writes to it before it writes characters here again.
     */
    public OutputStream bytes() {
        flush();
        return bytes;
    }
}
