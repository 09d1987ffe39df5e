package org.paqet4j.packet.route;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A netlink socket ({@code NETLINK_ROUTE}, or {@code NETLINK_NETFILTER} for nf_tables) bound through FFM: socket, bind, setsockopt, sendto, recvfrom and
 * close, each capturing {@code errno} right after the call. One request at a time by one owner;
 * the buffers live in a shared arena so that a socket opened on a thread inside another network
 * namespace can be used by its owner from any thread. Replies are accepted only from the kernel (port
 * id 0) and only with the sequence number of the request.
 */
public final class NetlinkSocket implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int SOCKADDR_NL_SIZE = 12;
    /** Big enough for any single dump part the kernel sends (it fills up to ~32 KiB). */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private static final int RECEIVE_TIMEOUT_SECONDS = 2;
    /** Route requests are a few small attributes; an nf_tables batch of one table is about 1 KiB. */
    private static final int SEND_BUFFER = 16 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET =
            downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND =
            downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            downcall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = downcall(
            "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = downcall(
            "recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = arena.allocate(CAPTURE_LAYOUT);
    private final MemorySegment kernelAddress = arena.allocate(SOCKADDR_NL_SIZE, 4);
    private final MemorySegment sourceAddress = arena.allocate(SOCKADDR_NL_SIZE, 4);
    private final MemorySegment sourceLength = arena.allocate(JAVA_INT);
    private final MemorySegment receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
    private final MemorySegment sendBuffer = arena.allocate(SEND_BUFFER, 8);
    private final byte[] received = new byte[RECEIVE_BUFFER];
    private final int fd;
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
        kernelAddress.set(JAVA_SHORT, 0, (short) AF_NETLINK); // port id 0 = the kernel (allocate zeroes)
    }

    /** Opens and binds a route netlink socket (the kernel assigns the port id). */
    static NetlinkSocket open() throws NetlinkException {
        return open(NETLINK_ROUTE);
    }

    /** Opens and binds a netlink socket of {@code protocol} in the calling thread's network namespace. */
    public static NetlinkSocket open(int protocol) throws NetlinkException {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment state = scratch.allocate(CAPTURE_LAYOUT);
            int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw failure(
                        "socket(AF_NETLINK, SOCK_RAW, "
                                + (protocol == NETLINK_ROUTE
                                        ? "NETLINK_ROUTE"
                                        : protocol == NETLINK_NETFILTER
                                                ? "NETLINK_NETFILTER"
                                                : Integer.toString(protocol))
                                + ")",
                        errno(state));
            }
            NetlinkSocket socket = new NetlinkSocket(fd);
            try {
                socket.bindAndConfigure();
                return socket;
            } catch (NetlinkException | RuntimeException e) {
                socket.close();
                throw e;
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink socket downcall failed", t);
        }
    }

    private void bindAndConfigure() throws NetlinkException {
        MemorySegment local = arena.allocate(SOCKADDR_NL_SIZE, 4);
        local.set(JAVA_SHORT, 0, (short) AF_NETLINK);
        MemorySegment timeout = arena.allocate(16, 8);
        timeout.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_SECONDS);
        try {
            if ((int) BIND.invokeExact(errnoState, fd, local, SOCKADDR_NL_SIZE) < 0) {
                throw failure("bind(AF_NETLINK)", errno(errnoState));
            }
            // A kernel that never answers must not hang the caller forever.
            if ((int) SETSOCKOPT.invokeExact(errnoState, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16) < 0) {
                throw failure("setsockopt(SO_RCVTIMEO)", errno(errnoState));
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
    }

    /**
     * Sends {@code request} (a complete message; its sequence field is overwritten) and collects
     * the answer: for a dump every part up to {@code NLMSG_DONE}, otherwise the single reply or
     * acknowledgement. {@code what} describes the request in error messages.
     */
    public List<NetlinkMessage> request(byte[] request, boolean dump, String what) throws NetlinkException {
        int seq = send(List.of(request), what);
        try {
            List<NetlinkMessage> replies = new ArrayList<>();
            while (true) {
                int length = receive(what);
                if (length < 0 || sourceAddress.get(JAVA_INT, 4) != 0) {
                    continue; // interrupted, or not sent by the kernel: ignore
                }
                for (NetlinkMessage message : NetlinkMessage.parseAll(received, length)) {
                    if (message.sequence() != seq || message.type() == NetlinkMessage.NLMSG_NOOP) {
                        continue;
                    }
                    switch (message.type()) {
                        case NetlinkMessage.NLMSG_ERROR -> {
                            int code = message.errorCode();
                            if (code == 0) {
                                return replies;
                            }
                            throw new NetlinkException(what + ": " + describe(-code), -code);
                        }
                        case NetlinkMessage.NLMSG_DONE -> {
                            if (message.payload().length >= 4 && message.errorCode() < 0) {
                                int errno = -message.errorCode();
                                throw new NetlinkException(what + ": dump failed: " + describe(errno), errno);
                            }
                            return replies;
                        }
                        default -> {
                            replies.add(message);
                            if (!dump && (message.flags() & NetlinkMessage.NLM_F_MULTI) == 0) {
                                return replies;
                            }
                        }
                    }
                }
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
    }

    /**
     * Sends {@code messages} in one datagram, as nfnetlink wants a batch ({@code NFNL_MSG_BATCH_BEGIN},
     * the changes, {@code NFNL_MSG_BATCH_END}): the kernel applies all changes or none. Each message
     * gets its own sequence number; those flagged {@code NLM_F_ACK} are waited for. The kernel
     * reports every failing message (and a refused batch on its first message) with an error, so
     * the first error in sequence order is thrown, naming the message's {@code what}.
     */
    public void batch(List<byte[]> messages, List<String> whats) throws NetlinkException {
        if (messages.size() != whats.size() || messages.isEmpty()) {
            throw new IllegalArgumentException("a batch needs one description per message, got " + messages.size()
                    + " messages and " + whats.size() + " descriptions");
        }
        int first = send(messages, whats.getFirst());
        Set<Integer> pending = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            int flags = Short.toUnsignedInt(
                    ByteBuffer.wrap(messages.get(i)).order(NetlinkMessage.ORDER).getShort(6));
            if ((flags & NetlinkRequest.NLM_F_ACK) != 0) {
                pending.add(first + i);
            }
        }
        TreeMap<Integer, NetlinkException> errors = new TreeMap<>();
        try {
            while (!pending.isEmpty()) {
                int length = receive(whats.getFirst());
                if (length < 0 || sourceAddress.get(JAVA_INT, 4) != 0) {
                    continue;
                }
                for (NetlinkMessage message : NetlinkMessage.parseAll(received, length)) {
                    int index = message.sequence() - first;
                    if (message.type() != NetlinkMessage.NLMSG_ERROR || index < 0 || index >= messages.size()) {
                        continue;
                    }
                    pending.remove(message.sequence());
                    int code = message.errorCode();
                    if (code != 0) {
                        errors.put(index, new NetlinkException(whats.get(index) + ": " + describe(-code), -code));
                        if (index == 0) {
                            pending.clear(); // the batch itself was refused: nothing else comes
                        }
                    }
                }
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
        if (!errors.isEmpty()) {
            throw errors.firstEntry().getValue();
        }
    }

    /** Copies {@code messages} into one datagram with consecutive sequence numbers; returns the first. */
    private int send(List<byte[]> messages, String what) throws NetlinkException {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        int total = messages.stream().mapToInt(m -> m.length).sum();
        if (total > SEND_BUFFER) {
            throw new IllegalArgumentException(what + ": request of " + total + " bytes exceeds " + SEND_BUFFER);
        }
        int first = sequence + 1;
        long offset = 0;
        for (byte[] message : messages) {
            MemorySegment.copy(message, 0, sendBuffer, JAVA_BYTE, offset, message.length);
            sendBuffer.set(JAVA_INT.withOrder(NetlinkMessage.ORDER), offset + 8, ++sequence);
            offset += message.length;
        }
        try {
            long sent = (long)
                    SENDTO.invokeExact(errnoState, fd, sendBuffer, (long) total, 0, kernelAddress, SOCKADDR_NL_SIZE);
            if (sent < 0) {
                throw failure("sendto(netlink) for " + what, errno(errnoState));
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
        return first;
    }

    /** Returns the bytes received into {@link #received}, or -1 after EINTR. */
    private int receive(String what) throws Throwable {
        sourceLength.set(JAVA_INT, 0, SOCKADDR_NL_SIZE);
        long length = (long) RECVFROM.invokeExact(
                errnoState, fd, receiveBuffer, (long) RECEIVE_BUFFER, MSG_TRUNC, sourceAddress, sourceLength);
        if (length < 0) {
            int errno = errno(errnoState);
            if (errno == EINTR) {
                return -1;
            }
            if (errno == EAGAIN) {
                throw new NetlinkException(
                        "no answer from the kernel within " + RECEIVE_TIMEOUT_SECONDS + " s to " + what, errno);
            }
            throw failure("recvfrom(netlink) for " + what, errno);
        }
        if (length > RECEIVE_BUFFER) {
            throw new MalformedNetlinkException("netlink reply to " + what + " of " + length
                    + " bytes does not fit the " + RECEIVE_BUFFER + "-byte buffer");
        }
        MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, received, 0, (int) length);
        return (int) length;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(netlink) downcall failed", t);
        } finally {
            arena.close();
        }
    }

    private static NetlinkException failure(String call, int errno) {
        return new NetlinkException(call + " failed: " + describe(errno), errno);
    }

    public static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().findOrThrow(name), descriptor, Linker.Option.captureCallState("errno"));
    }
}
