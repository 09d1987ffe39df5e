package org.paqet4j.packet.route;

import java.io.IOException;

/**
 * Something the raw carrier needs (a route, an interface, a MAC address) could not be found. The
 * message names what is missing and, where one exists, the configuration key that supplies it.
 */
public final class NetworkPathException extends IOException {

    private static final long serialVersionUID = 1L;

    public NetworkPathException(String message) {
        super(message);
    }

    public NetworkPathException(String message, Throwable cause) {
        super(message, cause);
    }
}
