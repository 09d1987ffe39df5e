package org.paqet4j.packet.route;

import java.io.IOException;

/** A netlink socket call failed, the kernel answered with an error, or its answer was malformed. */
public class NetlinkException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public NetlinkException(String message) {
        this(message, 0);
    }

    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The Linux errno behind the failure, or 0 when there is none (malformed data, timeouts). */
    public int errno() {
        return errno;
    }
}
