package org.paqet4j.packet.firewall;

import java.io.IOException;

/** Firewall rules could not be listed, installed or removed; the message names the command and its output. */
public final class FirewallException extends IOException {

    private static final long serialVersionUID = 1L;

    public FirewallException(String message) {
        super(message);
    }

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}
