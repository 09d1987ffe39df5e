package org.paqet4j.tunnel.protocol;

import java.io.IOException;

/** A stream header that is malformed, truncated or not paqet's; the message says which field. */
public final class StreamHeaderException extends IOException {

    public StreamHeaderException(String message) {
        super(message);
    }

    public StreamHeaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
