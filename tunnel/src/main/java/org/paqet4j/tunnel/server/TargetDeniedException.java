package org.paqet4j.tunnel.server;

import java.io.IOException;

/** Every address a target resolved to is denied by the access rules. */
public final class TargetDeniedException extends IOException {

    public TargetDeniedException(String message) {
        super(message);
    }
}
