package org.paqet4j.tunnel.client;

import java.io.IOException;

/** No connection to the server became live in time, or the client is shutting down. */
public final class TunnelUnavailableException extends IOException {

    public TunnelUnavailableException(String message) {
        super(message);
    }
}
