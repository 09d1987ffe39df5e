package org.paqet4j.packet.route;

/** A netlink message or attribute does not fit the bytes it claims to occupy. */
public final class MalformedNetlinkException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    public MalformedNetlinkException(String message) {
        super(message);
    }
}
