package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.paqet4j.tunnel.session.TunnelStream;

/**
 * A stream's input with one deadline for everything read through it: before each read the
 * stream's per-read timeout is set to the time left, so a peer trickling its header a byte at a
 * time cannot stretch the header timeout into one timeout per byte (slowloris).
 */
final class HeaderDeadline extends InputStream {

    private final TunnelStream stream;
    private final InputStream in;
    private final Duration timeout;
    private final long deadline;

    HeaderDeadline(TunnelStream stream, Duration timeout) {
        this.stream = stream;
        this.in = stream.inputStream();
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        armTimeout();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        armTimeout();
        return in.read(b, off, len);
    }

    private void armTimeout() throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("stream " + stream.id() + ": header not complete within " + timeout);
        }
        stream.setReadTimeout(Duration.ofNanos(left));
    }
}
