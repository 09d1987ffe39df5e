package org.paqet4j.packet.firewall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.paqet4j.packet.sys.Errno;
import org.paqet4j.packet.sys.Libc;

/**
 * Who owns a raw TCP port in this network namespace: a listening Unix socket bound to the
 * abstract name {@code paqet4j/raw-tcp-port/<port>}. The kernel frees the name when the owner
 * exits, however it dies (SIGKILL included), so firewall rules for the port without a live lock
 * are stale and safe to remove, and rules with one belong to a running process. Abstract names
 * live in the network namespace, like the port and the rules themselves. A second process asks
 * the owner's socket for its credentials ({@code SO_PEERCRED}) to name its PID. {@link FirewallRules}
 * holds one while its rules are in; a raw carrier without automatic rules takes one by itself.
 */
public final class RawPortLock implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SO_PEERCRED = 17;
    private static final int EADDRINUSE = 98;
    private static final int SOCKADDR_UN_SIZE = 110;

    private final int port;
    private int fd;

    private RawPortLock(int port, int fd) {
        this.port = port;
        this.fd = fd;
    }

    static String name(int port) {
        return "paqet4j/raw-tcp-port/" + port;
    }

    /**
     * Takes the port, or fails naming the live owner: {@code raw TCP port P is in use by another
     * paqet4j process (pid N) in this network namespace}.
     */
    public static RawPortLock acquire(int port, Role role) throws FirewallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            MemorySegment address = address(arena, port);
            int fd = Libc.socket(errno, AF_UNIX, SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new FirewallException("cannot create the lock socket for " + role.describe(port) + ": "
                        + Errno.exception("socket(AF_UNIX)", Libc.errno(errno)).getMessage());
            }
            int length = (int) address.byteSize();
            if (Libc.bind(errno, fd, address, length) == 0 && Libc.listen(errno, fd, 4) == 0) {
                return new RawPortLock(port, fd);
            }
            int error = Libc.errno(errno);
            Libc.close(errno, fd);
            if (error != EADDRINUSE) {
                throw new FirewallException("cannot lock " + role.describe(port) + " (abstract socket @" + name(port)
                        + "): " + Errno.exception("bind/listen", error).getMessage());
            }
            OptionalLong owner = ownerPid(arena, address);
            throw new FirewallException("raw TCP port " + port + " (" + role.describe(port)
                    + ") is in use by another paqet4j process"
                    + (owner.isPresent() ? " (pid " + owner.getAsLong() + ")" : "")
                    + " in this network namespace; stop it or use another port (two processes on one port would "
                    + "both answer every packet, and the second would take over the first one's firewall rules)");
        }
    }

    /** The PID the owner's socket reports, when it can be asked without waiting. */
    private static OptionalLong ownerPid(Arena arena, MemorySegment address) {
        MemorySegment errno = Libc.newErrnoState(arena);
        int fd = Libc.socket(errno, AF_UNIX, SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
        if (fd < 0) {
            return OptionalLong.empty();
        }
        try {
            if (Libc.connect(errno, fd, address, (int) address.byteSize()) != 0) {
                return OptionalLong.empty();
            }
            MemorySegment credentials = arena.allocate(12, 4); // struct ucred: pid, uid, gid
            MemorySegment size = arena.allocate(ValueLayout.JAVA_INT);
            size.set(ValueLayout.JAVA_INT, 0, 12);
            if (Libc.getsockopt(errno, fd, Libc.SOL_SOCKET, SO_PEERCRED, credentials, size) != 0) {
                return OptionalLong.empty();
            }
            int pid = credentials.get(ValueLayout.JAVA_INT, 0);
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } finally {
            Libc.close(errno, fd);
        }
    }

    /** {@code struct sockaddr_un} with an abstract name: a leading NUL, no terminating one. */
    private static MemorySegment address(Arena arena, int port) {
        byte[] name = name(port).getBytes(StandardCharsets.US_ASCII);
        MemorySegment address = arena.allocate(2 + 1 + name.length, 2);
        if (address.byteSize() > SOCKADDR_UN_SIZE) {
            throw new IllegalStateException("abstract socket name too long: " + name(port));
        }
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, 3, name.length);
        return address;
    }

    public int port() {
        return port;
    }

    /** Releases the port; idempotent. */
    @Override
    public synchronized void close() {
        // synchronized: the shutdown hook and an orderly close may race
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(Libc.newErrnoState(arena), fd);
        }
        fd = -1;
    }
}
