package org.paqet4j.packet.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into the C library for the socket calls Java does not offer (AF_PACKET, raw IP,
 * BPF, sendmmsg/recvmmsg). Every call that can fail captures errno into a caller-owned
 * {@link #newErrnoState state segment}, so the hot path allocates nothing; callers keep one per
 * thread. Layouts are those of LP64 Linux (x86-64 and aarch64 agree).
 */
@SuppressWarnings("restricted") // this class is where the native access is, by design
public final class Libc {

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_RAW = 255;
    public static final int ETH_P_ALL = 0x0003;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SOL_PACKET = 263;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int PACKET_HOST = 0;
    public static final int PACKET_OUTGOING = 4;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int TPACKET_V2 = 1;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final short POLLIN = 1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int SIOCGIFINDEX = 0x8933;
    public static final int SIOCGIFHWADDR = 0x8927;
    public static final int SIOCGIFMTU = 0x8921;
    public static final int IFNAMSIZ = 16;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x4000_0000;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOBUFS = 105;

    /** struct iovec. */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
    /** struct mmsghdr: a msghdr followed by msg_len. */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4));

    public static final long MMSG_NAME = 0;
    public static final long MMSG_NAMELEN = 8;
    public static final long MMSG_IOV = 16;
    public static final long MMSG_IOVLEN = 24;
    public static final long MMSG_FLAGS = 48;
    public static final long MMSG_LEN = 56;
    /** sizeof(struct sockaddr_ll). */
    public static final int SOCKADDR_LL_SIZE = 20;

    public static final int SOCKADDR_IN_SIZE = 16;
    public static final int SOCKADDR_IN6_SIZE = 28;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = capturing("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = capturing("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle SETSOCKOPT =
            capturing("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    private static final MethodHandle GETSOCKOPT =
            capturing("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    private static final MethodHandle LISTEN = capturing("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CONNECT = capturing("connect", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle SENDTO =
            capturing("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));
    private static final MethodHandle SENDMMSG = capturing("sendmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT));
    private static final MethodHandle RECVMMSG =
            capturing("recvmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));
    private static final MethodHandle POLL = capturing("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
    private static final MethodHandle EVENTFD = capturing("eventfd", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle WRITE = capturing("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle READ = capturing("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private static final MethodHandle MMAP =
            capturing("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG));
    private static final MethodHandle MUNMAP = capturing("munmap", FunctionDescriptor.of(INT, PTR, LONG));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(INT, PTR, INT),
            CAPTURE,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = capturing("setns", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, PTR),
            CAPTURE,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(PTR, INT));

    private Libc() {}

    private static MethodHandle capturing(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol =
                LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
    }

    /** A segment to capture errno into; one per thread that makes calls. */
    public static MemorySegment newErrnoState(Arena arena) {
        return arena.allocate(ERRNO_STATE);
    }

    /** The errno captured by the last call made with {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt; {@code length} holds the value's size in and the written size out (a socklen_t). */
    public static int getsockopt(
            MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(MemorySegment state, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(state, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int connect(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) CONNECT.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendto(
            MemorySegment state,
            int fd,
            MemorySegment buf,
            long length,
            int flags,
            MemorySegment address,
            int addressLength) {
        try {
            return (long) SENDTO.invokeExact(state, fd, buf, length, flags, address, addressLength);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int sendmmsg(MemorySegment state, int fd, MemorySegment messages, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(state, fd, messages, count, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int recvmmsg(MemorySegment state, int fd, MemorySegment messages, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(state, fd, messages, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment state, MemorySegment fds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(state, fds, count, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(MemorySegment state, int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initial, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(MemorySegment state, int fd, MemorySegment buf, long length) {
        try {
            return (long) READ.invokeExact(state, fd, buf, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(MemorySegment state, int fd, MemorySegment buf, long length) {
        try {
            return (long) WRITE.invokeExact(state, fd, buf, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(MemorySegment state, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(state, fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** open(2) without O_CREAT (so no mode argument); {@code path} is a NUL-terminated string. */
    public static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setns(2): moves the calling thread into the namespace {@code fd} refers to. */
    public static int setns(MemorySegment state, int fd, int namespaceType) {
        try {
            return (int) SETNS.invokeExact(state, fd, namespaceType);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mmap of a file descriptor; returns the mapping as a segment of {@code length} bytes, or null on failure. */
    public static MemorySegment mmap(MemorySegment state, long length, int protection, int flags, int fd) {
        try {
            MemorySegment address =
                    (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, protection, flags, fd, 0L);
            return address.address() == -1L ? null : address.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(MemorySegment state, MemorySegment mapping) {
        try {
            return (int) MUNMAP.invokeExact(state, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The C library's description of {@code errno}, e.g. "No buffer space available". */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall failed", t);
    }
}
