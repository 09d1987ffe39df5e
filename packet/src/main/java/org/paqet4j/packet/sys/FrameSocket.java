package org.paqet4j.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;

/**
 * An AF_PACKET SOCK_RAW socket bound to one interface that receives every frame arriving on it
 * (any EtherType, any destination MAC, Ethernet header included; our own outgoing frames
 * excluded) up to {@code batch} per recvmmsg into fixed off-heap slots, and sends whole frames
 * through {@link Sender}s. This is a layer-2 port, as a bridge needs one; {@link CaptureSocket} is
 * the filtered, IP-level receiver of the carrier.
 *
 * <p>One receiving thread; {@link #wakeUp()} from any thread makes a blocked
 * {@link #receiveBatch()} return 0. Each {@link Sender} belongs to one thread. {@link #close()}
 * only after every thread has left the socket's calls (the owner guarantees it).
 */
public final class FrameSocket implements AutoCloseable {

    private static final int EMSGSIZE = 90;
    private static final int ENETDOWN = 100;

    private final Arena arena;
    private final int fd;
    private final int slotSize;
    private final MemorySegment slots;
    private final ReceiveBatch receive;
    private final MemorySegment errno;
    private final String description;

    private FrameSocket(
            Arena arena, int fd, int wakeFd, int batch, int slotSize, MemorySegment errno, String description) {
        this.arena = arena;
        this.fd = fd;
        this.slotSize = slotSize;
        this.errno = errno;
        this.description = description;
        this.slots = arena.allocate((long) batch * slotSize, 64);
        this.receive = new ReceiveBatch(arena, fd, wakeFd, slots, batch, slotSize, errno, description);
    }

    /**
     * Opens the socket in the calling thread's network namespace.
     *
     * @param batch         frames per recvmmsg
     * @param slotSize      bytes per frame slot; longer frames are reported {@link #truncated(int)}
     * @param bufferBytes   SO_RCVBUF and SO_SNDBUF (forced past the sysctl limits; we are root), 0 for the defaults
     */
    public static FrameSocket open(InterfaceInfo link, int batch, int slotSize, int bufferBytes) throws IOException {
        String description = "frames on " + link.name();
        Arena arena = Arena.ofShared();
        try (Arena setup = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            // protocol 0: nothing is received before bind() names the interface
            int fd = Libc.socket(errno, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw Errno.rawSocketException("socket(AF_PACKET, SOCK_RAW) for " + description, Libc.errno(errno));
            }
            int wakeFd = -1;
            try {
                MemorySegment value = setup.allocate(ValueLayout.JAVA_INT);
                value.set(ValueLayout.JAVA_INT, 0, 1);
                // required, not best effort: without it a bridge would forward its own output in a loop
                if (Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, value, 4) != 0) {
                    throw Errno.exception("setsockopt(PACKET_IGNORE_OUTGOING) for " + description, Libc.errno(errno));
                }
                if (bufferBytes > 0) {
                    value.set(ValueLayout.JAVA_INT, 0, bufferBytes);
                    setBuffer(errno, fd, Libc.SO_RCVBUFFORCE, Libc.SO_RCVBUF, value, "SO_RCVBUF", description);
                    setBuffer(errno, fd, Libc.SO_SNDBUFFORCE, Libc.SO_SNDBUF, value, "SO_SNDBUF", description);
                }
                MemorySegment address = CaptureSocket.sockaddrLl(setup, Libc.ETH_P_ALL, link.index());
                if (Libc.bind(errno, fd, address, Libc.SOCKADDR_LL_SIZE) != 0) {
                    throw Errno.exception("bind(AF_PACKET, " + link.name() + ")", Libc.errno(errno));
                }
                wakeFd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
                if (wakeFd < 0) {
                    throw Errno.exception("eventfd for " + description, Libc.errno(errno));
                }
                return new FrameSocket(arena, fd, wakeFd, batch, slotSize, errno, description);
            } catch (IOException | RuntimeException e) {
                Libc.close(errno, fd);
                if (wakeFd >= 0) {
                    Libc.close(errno, wakeFd);
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void setBuffer(
            MemorySegment errno, int fd, int forced, int plain, MemorySegment value, String what, String description)
            throws IOException {
        if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, forced, value, 4) != 0
                && Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, plain, value, 4) != 0) {
            throw Errno.exception(
                    "setsockopt(" + what + " " + value.get(ValueLayout.JAVA_INT, 0) + ") for " + description,
                    Libc.errno(errno));
        }
    }

    /**
     * Waits for frames and receives up to {@code batch} of them.
     *
     * @return the number of frames in slots 0..n-1, or 0 when woken up by {@link #wakeUp()}
     */
    public int receiveBatch() throws IOException {
        receive.countBatch();
        return receive.receive();
    }

    /** Tells {@code listener} (on the receiving thread) how many frames the kernel dropped on a full queue. */
    public void onDrops(LongConsumer listener) {
        receive.onDrops(listener);
    }

    /** Makes a current or the next {@link #receiveBatch()} return 0. Safe from any thread. */
    public void wakeUp() {
        receive.wakeUp();
    }

    /** The slots' memory; frame {@code i} starts at {@link #slotOffset(int)}. */
    public MemorySegment slots() {
        return slots;
    }

    public long slotOffset(int i) {
        return (long) i * slotSize;
    }

    /** Bytes of frame {@code i} in its slot. */
    public int length(int i) {
        return receive.length(i);
    }

    /** Whether frame {@code i} was longer than its slot. */
    public boolean truncated(int i) {
        return receive.truncated(i);
    }

    /** A sender of up to {@code capacity} frames per sendmmsg, for one thread; freed with the socket. */
    public Sender sender(int capacity) {
        return new Sender(capacity);
    }

    @Override
    public void close() {
        receive.close();
        arena.close();
    }

    @Override
    public String toString() {
        return description;
    }

    /** Frames staged into off-heap slots (one copy) and written with one blocking sendmmsg per flush. */
    public final class Sender {

        private final int capacity;
        private final MemorySegment area;
        private final MemorySegment sendMessages;
        private final MemorySegment sendErrno;
        private int staged;

        private Sender(int capacity) {
            this.capacity = capacity;
            this.area = arena.allocate((long) capacity * slotSize, 64);
            this.sendMessages = ReceiveBatch.messageArray(arena, area, capacity, slotSize);
            this.sendErrno = Libc.newErrnoState(arena);
        }

        /** Copies one frame in; false (nothing copied) when full: {@link #flush()} first. */
        public boolean stage(MemorySegment source, long offset, int length) {
            if (staged == capacity) {
                return false;
            }
            checkLength(length);
            MemorySegment slot = area.asSlice((long) staged * slotSize, length);
            MemorySegment.copy(source, offset, slot, 0, length);
            point(slot);
            return true;
        }

        /**
         * Stages {@code frame} without copying: the next {@link #flush()} sends it from where it is,
         * so it must stay unchanged until then (a receive slot of another socket, between batches).
         */
        public boolean stageInPlace(MemorySegment frame) {
            if (staged == capacity) {
                return false;
            }
            checkLength(frame.byteSize());
            point(frame);
            return true;
        }

        private void checkLength(long length) {
            if (length > slotSize) {
                throw new IllegalArgumentException(
                        "frame of " + length + " bytes exceeds the slot size " + slotSize + " of " + description);
            }
        }

        private void point(MemorySegment frame) {
            MemorySegment iovec = sendMessages
                    .get(ValueLayout.ADDRESS, staged * Libc.MMSGHDR.byteSize() + Libc.MMSG_IOV)
                    .reinterpret(Libc.IOVEC.byteSize());
            iovec.set(ValueLayout.ADDRESS, 0, frame);
            iovec.set(ValueLayout.JAVA_LONG, 8, frame.byteSize());
            staged++;
        }

        /** As {@link #stage(MemorySegment, long, int)} from a heap array. */
        public boolean stage(byte[] frame) {
            return stage(MemorySegment.ofArray(frame), 0, frame.length);
        }

        public int staged() {
            return staged;
        }

        /**
         * Sends every staged frame. A frame the link refuses (ENOBUFS: the peer's backlog is full;
         * ENETDOWN; EMSGSIZE) is skipped, as a wire would lose it.
         *
         * @return how many frames were refused
         */
        public int flush() throws IOException {
            int sent = 0;
            int refused = 0;
            while (sent < staged) {
                MemorySegment from = sendMessages.asSlice(sent * Libc.MMSGHDR.byteSize());
                int n = Libc.sendmmsg(sendErrno, fd, from, staged - sent, 0);
                if (n > 0) {
                    sent += n;
                    continue;
                }
                int e = Libc.errno(sendErrno);
                if (e == Libc.EINTR) {
                    continue;
                }
                if (e == Libc.ENOBUFS || e == Libc.EAGAIN || e == ENETDOWN || e == EMSGSIZE) {
                    sent++;
                    refused++;
                    continue;
                }
                staged = 0;
                throw Errno.exception("sendmmsg(" + description + ")", e);
            }
            staged = 0;
            return refused;
        }
    }
}
