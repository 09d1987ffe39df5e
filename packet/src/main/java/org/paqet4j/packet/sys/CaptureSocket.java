package org.paqet4j.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * An AF_PACKET SOCK_DGRAM socket bound to one interface that captures inbound TCP to one port
 * ({@link TunnelFilter}), receiving up to {@code batch} packets per recvmmsg into fixed off-heap
 * slots. Packets start at the network header.
 *
 * <p>Waiting is a poll() on the socket and an eventfd, so {@link #wakeUp()} from any thread makes
 * a blocked {@link #receiveBatch()} return. Not thread-safe otherwise: one receiving thread, and
 * {@link #close()} only after that thread has left {@code receiveBatch} (the owner guarantees it).
 */
public final class CaptureSocket implements AutoCloseable {

    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    /** struct tpacket2_hdr plus the space the kernel leaves before the network header. */
    private static final int TPACKET_OVERHEAD = 128;

    private static final int RING_BLOCK = 64 * 1024;
    /** TPACKET_ALIGN(sizeof(struct tpacket2_hdr)): where the sockaddr_ll sits in a ring frame. */
    private static final int RING_SOCKADDR = 32;
    /** offsetof(struct sockaddr_ll, sll_halen) and sll_addr. */
    private static final int SLL_HALEN = 11;

    private static final int SLL_ADDR = 12;
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena;
    private final int slotSize;
    private final MemorySegment slots;
    private final ReceiveBatch receive;
    private final MemorySegment errno;
    private final String description;
    /** TPACKET_V2 receive ring, or null when receiving with recvmmsg into {@link #slots}. */
    private final MemorySegment ring;

    private final int frameSize;
    private final int frameCount;
    private final long[] offsets;
    private final long[] frames;
    private final int[] lengths;
    private final boolean[] truncations;
    private int cursor;
    private int releaseStart;
    private int releaseCount;
    private final boolean ignoresOutgoing;

    private CaptureSocket(
            Arena arena,
            int fd,
            int wakeFd,
            int batch,
            int slotSize,
            String description,
            MemorySegment errno,
            MemorySegment ring,
            int frameSize,
            boolean ignoresOutgoing) {
        this.arena = arena;
        this.ignoresOutgoing = ignoresOutgoing;
        this.ring = ring;
        this.frameSize = frameSize;
        this.frameCount = ring == null ? 0 : (int) (ring.byteSize() / frameSize);
        this.offsets = new long[batch];
        this.frames = new long[batch];
        this.lengths = new int[batch];
        this.truncations = new boolean[batch];
        this.slotSize = slotSize;
        this.description = description;
        this.errno = errno;
        this.slots = ring != null ? ring : arena.allocate((long) batch * slotSize, 64);
        this.receive = new ReceiveBatch(arena, fd, wakeFd, slots, batch, slotSize, errno, description);
    }

    /**
     * Opens a capture socket in the calling thread's network namespace.
     *
     * @param receiveBuffer SO_RCVBUF in bytes (forced past rmem_max; we are root), 0 for the default
     * @param batch         packets per recvmmsg
     * @param slotSize      bytes per packet slot; longer packets are reported truncated
     */
    public static CaptureSocket open(InterfaceInfo link, int port, int receiveBuffer, int batch, int slotSize)
            throws IOException {
        return open(link, port, receiveBuffer, batch, slotSize, false);
    }

    /**
     * As {@link #open(InterfaceInfo, int, int, int, int)}; with {@code ring} the kernel writes
     * packets straight into a TPACKET_V2 ring of {@code receiveBuffer} bytes mapped into our
     * memory (no recvmmsg, one copy less), frames of {@code slotSize} plus header.
     */
    public static CaptureSocket open(
            InterfaceInfo link, int port, int receiveBuffer, int batch, int slotSize, boolean ring) throws IOException {
        return open(
                link,
                port,
                null,
                receiveBuffer,
                batch,
                slotSize,
                ring,
                "capture on " + link.name() + " tcp dst port " + port);
    }

    /**
     * A capture of every IPv4 and IPv6 TCP packet on {@code link} in both directions, our own
     * outgoing ones included ({@link TunnelFilter#allTcpProgram()}), for passive stream
     * reassembly; otherwise as {@link #open(InterfaceInfo, int, int, int, int)}. On a loopback
     * link every packet passes twice, as sent and as received: there the socket skips the sent
     * copies ({@code PACKET_IGNORE_OUTGOING}, Linux 4.20 and later; see {@link #ignoresOutgoing()}).
     */
    public static CaptureSocket openAllTcp(InterfaceInfo link, int receiveBuffer, int batch, int slotSize)
            throws IOException {
        return openAllTcp(link, receiveBuffer, batch, slotSize, TunnelFilter.allTcpProgram(), "all tcp");
    }

    /**
     * As {@link #openAllTcp(InterfaceInfo, int, int, int)} with {@code program} in the kernel instead
     * of {@link TunnelFilter#allTcpProgram()}: a narrower classic BPF program over the network header
     * (SOCK_DGRAM), described by {@code what} in errors.
     */
    public static CaptureSocket openAllTcp(
            InterfaceInfo link, int receiveBuffer, int batch, int slotSize, long[] program, String what)
            throws IOException {
        return open(link, 0, program, receiveBuffer, batch, slotSize, false, "capture on " + link.name() + " " + what);
    }

    /** {@code port} 0: TCP in both directions as {@code program} selects; otherwise inbound TCP to {@code port}. */
    private static CaptureSocket open(
            InterfaceInfo link,
            int port,
            long[] program,
            int receiveBuffer,
            int batch,
            int slotSize,
            boolean ring,
            String description)
            throws IOException {
        Arena arena = Arena.ofShared();
        try (Arena setup = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            // protocol 0: the socket receives nothing until bound, so no packet slips in before the filter
            int fd = Libc.socket(errno, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw Errno.rawSocketException("socket(AF_PACKET, SOCK_DGRAM) for " + description, Libc.errno(errno));
            }
            int wakeFd = -1;
            try {
                MemorySegment flag = setup.allocate(ValueLayout.JAVA_INT);
                flag.set(ValueLayout.JAVA_INT, 0, 1);
                boolean ignoresOutgoing = false;
                if (port == 0) {
                    TunnelFilter.attach(fd, program, description, errno);
                    if (link.isLoopback()) {
                        // best effort: without it (kernels before 4.20) each packet is seen twice, identical
                        ignoresOutgoing =
                                Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, flag, 4) == 0;
                    }
                } else {
                    TunnelFilter.attach(fd, port, errno);
                    // best effort: kernels before 4.20 lack it, and the filter refuses outgoing packets anyway
                    ignoresOutgoing =
                            Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, flag, 4) == 0;
                }
                MemorySegment mapping = null;
                int frameSize = 0;
                if (ring) {
                    frameSize = Integer.highestOneBit(slotSize + TPACKET_OVERHEAD - 1) << 1;
                    int frames = Math.max(64, Math.max(receiveBuffer, 1 << 20) / frameSize);
                    int blockSize = Math.max(RING_BLOCK, frameSize);
                    int blocks = Math.max(1, frames * frameSize / blockSize);
                    frames = blocks * (blockSize / frameSize);
                    flag.set(ValueLayout.JAVA_INT, 0, Libc.TPACKET_V2);
                    if (Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, flag, 4) != 0) {
                        throw Errno.exception(
                                "setsockopt(PACKET_VERSION, TPACKET_V2) for " + description, Libc.errno(errno));
                    }
                    MemorySegment request = setup.allocate(16, 4);
                    request.set(ValueLayout.JAVA_INT, 0, blockSize);
                    request.set(ValueLayout.JAVA_INT, 4, blocks);
                    request.set(ValueLayout.JAVA_INT, 8, frameSize);
                    request.set(ValueLayout.JAVA_INT, 12, frames);
                    if (Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, request, 16) != 0) {
                        throw Errno.exception(
                                "setsockopt(PACKET_RX_RING, " + blocks + " x " + blockSize + ") for " + description,
                                Libc.errno(errno));
                    }
                    mapping = Libc.mmap(
                            errno, (long) blocks * blockSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd);
                    if (mapping == null) {
                        throw Errno.exception("mmap(receive ring) for " + description, Libc.errno(errno));
                    }
                } else if (receiveBuffer > 0) {
                    flag.set(ValueLayout.JAVA_INT, 0, receiveBuffer);
                    if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, flag, 4) != 0
                            && Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, flag, 4) != 0) {
                        throw Errno.exception(
                                "setsockopt(SO_RCVBUF " + receiveBuffer + ") for " + description, Libc.errno(errno));
                    }
                }
                MemorySegment address = sockaddrLl(setup, Libc.ETH_P_ALL, link.index());
                if (Libc.bind(errno, fd, address, Libc.SOCKADDR_LL_SIZE) != 0) {
                    throw Errno.exception("bind(AF_PACKET, " + link.name() + ")", Libc.errno(errno));
                }
                wakeFd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
                if (wakeFd < 0) {
                    throw Errno.exception("eventfd for " + description, Libc.errno(errno));
                }
                return new CaptureSocket(
                        arena, fd, wakeFd, batch, slotSize, description, errno, mapping, frameSize, ignoresOutgoing);
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

    /** A struct sockaddr_ll for {@code protocol} (host order) on {@code ifindex}. */
    public static MemorySegment sockaddrLl(Arena arena, int protocol, int ifindex) {
        MemorySegment address = arena.allocate(Libc.SOCKADDR_LL_SIZE, 8);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        address.set(SHORT_BE, 2, (short) protocol);
        address.set(ValueLayout.JAVA_INT, 4, ifindex);
        return address;
    }

    /**
     * Waits for packets and receives up to {@code batch} of them.
     *
     * @return the number of packets in slots 0..n-1, or 0 when woken up by {@link #wakeUp()}
     */
    public int receiveBatch() throws IOException {
        receive.countBatch();
        if (ring != null) {
            return receiveFromRing();
        }
        return receive.receive();
    }

    /** Hands the previous batch's frames back to the kernel, then takes the ready ones (waiting if none). */
    private int receiveFromRing() throws IOException {
        for (int i = 0; i < releaseCount; i++) {
            STATUS.setRelease(ring, (long) ((releaseStart + i) % frameCount) * frameSize, TP_STATUS_KERNEL);
        }
        releaseCount = 0;
        while (true) {
            int n = 0;
            while (n < offsets.length) {
                long frame = (long) cursor * frameSize;
                int status = (int) STATUS.getAcquire(ring, frame);
                if ((status & TP_STATUS_USER) == 0) {
                    break;
                }
                int length = ring.get(ValueLayout.JAVA_INT, frame + 4);
                int captured = ring.get(ValueLayout.JAVA_INT, frame + 8);
                offsets[n] = frame + (ring.get(ValueLayout.JAVA_SHORT, frame + 14) & 0xFFFF);
                frames[n] = frame;
                lengths[n] = captured;
                truncations[n] = captured < length;
                n++;
                cursor = (cursor + 1) % frameCount;
            }
            if (n > 0) {
                releaseStart = (cursor - n + frameCount) % frameCount;
                releaseCount = n;
                return n;
            }
            if (receive.await()) {
                return 0;
            }
        }
    }

    /**
     * Tells {@code listener} (on the receiving thread) how many packets the kernel dropped because
     * the socket's queue or ring was full, each time it finds new drops: before every wait and
     * every 256 batches.
     */
    public void onDrops(LongConsumer listener) {
        receive.onDrops(listener);
    }

    /**
     * Makes a current or the next {@link #receiveBatch()} return 0 (wake-ups before one wait count
     * once); the wait after that blocks again, so a capture can be woken any number of times, not
     * only to stop it. Safe from any thread.
     */
    public void wakeUp() {
        receive.wakeUp();
    }

    /** The slots' memory (or the ring's); packet {@code i} starts at {@link #slotOffset(int)}. */
    public MemorySegment slots() {
        return slots;
    }

    public long slotOffset(int i) {
        return ring != null ? offsets[i] : (long) i * slotSize;
    }

    /** Bytes of packet {@code i} in its slot. */
    public int length(int i) {
        if (ring != null) {
            return lengths[i];
        }
        return receive.length(i);
    }

    /**
     * The link-layer source address of packet {@code i} as 48 bits, most significant octet first
     * (on Ethernet the MAC of the host that put it on this link: the next hop back toward its
     * sender), or -1 when the link's addresses are not six bytes. Allocates nothing.
     */
    public long sourceMac(int i) {
        MemorySegment memory = ring != null ? ring : receive.linkSources();
        long sll = ring != null ? frames[i] + RING_SOCKADDR : (long) i * Libc.SOCKADDR_LL_SIZE;
        if (memory.get(ValueLayout.JAVA_BYTE, sll + SLL_HALEN) != 6) {
            return -1;
        }
        long bits = 0;
        for (int b = 0; b < 6; b++) {
            bits = (bits << 8) | (memory.get(ValueLayout.JAVA_BYTE, sll + SLL_ADDR + b) & 0xFF);
        }
        return bits;
    }

    /** Whether the kernel skips this host's own outgoing packets for this socket ({@code PACKET_IGNORE_OUTGOING}). */
    public boolean ignoresOutgoing() {
        return ignoresOutgoing;
    }

    /** Whether packet {@code i} was longer than its slot. */
    public boolean truncated(int i) {
        if (ring != null) {
            return truncations[i];
        }
        return receive.truncated(i);
    }

    public int slotSize() {
        return slotSize;
    }

    @Override
    public void close() {
        if (ring != null) {
            Libc.munmap(errno, ring);
        }
        receive.close();
        arena.close();
    }

    @Override
    public String toString() {
        return description;
    }
}
