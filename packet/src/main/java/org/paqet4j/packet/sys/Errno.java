package org.paqet4j.packet.sys;

import java.io.IOException;

/** Symbolic names of the errno values socket calls return, for counters and messages. */
public final class Errno {

    /** Operation not permitted: for sockets, a missing capability. */
    public static final int EPERM = 1;

    private static final String[] NAMES = new String[134];

    static {
        name(1, "EPERM");
        name(2, "ENOENT");
        name(4, "EINTR");
        name(6, "ENXIO");
        name(9, "EBADF");
        name(11, "EAGAIN");
        name(12, "ENOMEM");
        name(13, "EACCES");
        name(14, "EFAULT");
        name(19, "ENODEV");
        name(22, "EINVAL");
        name(24, "EMFILE");
        name(90, "EMSGSIZE");
        name(93, "EPROTONOSUPPORT");
        name(95, "EOPNOTSUPP");
        name(97, "EAFNOSUPPORT");
        name(99, "EADDRNOTAVAIL");
        name(100, "ENETDOWN");
        name(101, "ENETUNREACH");
        name(105, "ENOBUFS");
        name(113, "EHOSTUNREACH");
    }

    private Errno() {}

    private static void name(int errno, String name) {
        NAMES[errno] = name;
    }

    /** "ENOBUFS" for 105; "errno 77" for values without a name here. */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return "errno " + errno;
    }

    /** An exception saying which call failed, on what, and why, e.g. "bind(AF_PACKET, eth0): ENODEV (No such device)". */
    public static IOException exception(String call, int errno) {
        return new IOException(call + ": " + name(errno) + " (" + Libc.strerror(errno) + ")");
    }

    /**
     * Like {@link #exception} for opening an AF_PACKET or raw IP socket: the kernel answers EPERM
     * when the process lacks CAP_NET_RAW, and a user needs to know which capability to grant, not
     * only that it was refused.
     */
    public static IOException rawSocketException(String call, int errno) {
        IOException plain = exception(call, errno);
        if (errno != EPERM) {
            return plain;
        }
        return new IOException(plain.getMessage() + ": this process lacks CAP_NET_RAW (run as root, or grant "
                + "CAP_NET_RAW and CAP_NET_ADMIN)");
    }
}
