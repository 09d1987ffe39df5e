package org.paqet4j.mux;

import java.io.IOException;

/** An operation on a stream or session that is closed, or closed while the operation waited. */
public final class MuxClosedException extends IOException {
    public MuxClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
