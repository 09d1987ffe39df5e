package org.paqet4j.mux;

import java.io.IOException;

/** The peer broke the smux protocol; the session closes with this as its cause. */
public final class MuxProtocolException extends IOException {
    public MuxProtocolException(String message) {
        super(message);
    }
}
