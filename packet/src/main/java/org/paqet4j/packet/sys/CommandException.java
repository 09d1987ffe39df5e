package org.paqet4j.packet.sys;

import java.io.IOException;

/** A host command failed, timed out or was interrupted; the message names the command and what it said. */
public final class CommandException extends IOException {

    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
