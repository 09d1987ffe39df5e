package org.paqet4j.mux;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The reliable ordered byte channel under a session (a KCP session in production, a pipe in tests). The session
 * owns it: it closes {@code closer} after itself, which must unblock a read or write in progress.
 */
public record MuxTransport(InputStream in, OutputStream out, Closeable closer) {
    public MuxTransport {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(closer, "closer");
    }
}
