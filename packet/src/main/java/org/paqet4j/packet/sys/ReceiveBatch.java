package org.paqet4j.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;

/**
 * The receiving half both AF_PACKET sockets share: recvmmsg into {@code batch} fixed slots, the
 * poll() on the socket and an eventfd that {@link #wakeUp()} writes, PACKET_STATISTICS drops, and
 * closing both descriptors. The socket owns the arena and closes it after {@link #close()}.
 */
final class ReceiveBatch {

    static final int STATISTICS_EVERY = 256;

    private final int fd;
    private final int wakeFd;
    private final int batch;
    private final int slotSize;
    private final MemorySegment messages;
    /** One sockaddr_ll per slot: the kernel writes each packet's link-layer source there. */
    private final MemorySegment linkSources;

    private final MemorySegment pollFds;
    private final MemorySegment errno;
    private final MemorySegment wakeErrno;
    private final MemorySegment one;
    /** Where await() reads the eventfd's counter to reset it. */
    private final MemorySegment drained;

    private final MemorySegment statistics;
    private final MemorySegment statisticsLength;
    private final String description;
    private LongConsumer dropListener = drops -> {};
    private int batchesSinceStatistics;

    ReceiveBatch(
            Arena arena,
            int fd,
            int wakeFd,
            MemorySegment slots,
            int batch,
            int slotSize,
            MemorySegment errno,
            String description) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.batch = batch;
        this.slotSize = slotSize;
        this.errno = errno;
        this.description = description;
        this.wakeErrno = Libc.newErrnoState(arena);
        this.messages = messageArray(arena, slots, batch, slotSize);
        this.linkSources = arena.allocate((long) batch * Libc.SOCKADDR_LL_SIZE, 8);
        for (int i = 0; i < batch; i++) {
            long m = i * Libc.MMSGHDR.byteSize();
            messages.set(
                    ValueLayout.ADDRESS,
                    m + Libc.MMSG_NAME,
                    linkSources.asSlice((long) i * Libc.SOCKADDR_LL_SIZE, Libc.SOCKADDR_LL_SIZE));
            messages.set(ValueLayout.JAVA_INT, m + Libc.MMSG_NAMELEN, Libc.SOCKADDR_LL_SIZE);
        }
        this.pollFds = arena.allocate(16, 8);
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        this.drained = arena.allocate(ValueLayout.JAVA_LONG);
        this.one = arena.allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1);
        this.statistics = arena.allocate(8, 4);
        this.statisticsLength = arena.allocate(ValueLayout.JAVA_INT);
    }

    /** An mmsghdr array whose message {@code i} has one iovec over slot {@code i} (full slot length). */
    static MemorySegment messageArray(Arena arena, MemorySegment slots, int count, int slotSize) {
        MemorySegment messages = arena.allocate(Libc.MMSGHDR, count);
        MemorySegment iovecs = arena.allocate(Libc.IOVEC, count);
        for (int i = 0; i < count; i++) {
            MemorySegment iovec = iovecs.asSlice(i * Libc.IOVEC.byteSize(), Libc.IOVEC.byteSize());
            iovec.set(ValueLayout.ADDRESS, 0, slots.asSlice((long) i * slotSize, slotSize));
            iovec.set(ValueLayout.JAVA_LONG, 8, slotSize);
            long m = i * Libc.MMSGHDR.byteSize();
            messages.set(ValueLayout.ADDRESS, m + Libc.MMSG_IOV, iovec);
            messages.set(ValueLayout.JAVA_LONG, m + Libc.MMSG_IOVLEN, 1);
        }
        return messages;
    }

    /** Counts one receive call; reads the statistics every {@value #STATISTICS_EVERY} of them. */
    void countBatch() throws IOException {
        if (++batchesSinceStatistics == STATISTICS_EVERY) {
            collectDrops();
        }
    }

    /**
     * Waits for datagrams and receives up to {@code batch} of them into the slots.
     *
     * @return how many are in slots 0..n-1, or 0 when woken up by {@link #wakeUp()}
     */
    int receive() throws IOException {
        while (true) {
            // try first: under load datagrams are already queued and the poll() would be a wasted syscall
            int n = Libc.recvmmsg(errno, fd, messages, batch, Libc.MSG_DONTWAIT);
            if (n > 0) {
                return n;
            }
            int e = n < 0 ? Libc.errno(errno) : Libc.EAGAIN;
            if (e != Libc.EAGAIN && e != Libc.EINTR) {
                throw Errno.exception("recvmmsg(" + description + ")", e);
            }
            if (await()) {
                return 0;
            }
        }
    }

    /**
     * Collects the drops, then blocks until the socket is readable or {@link #wakeUp()} was called.
     *
     * @return true when woken up; false when the socket may have data (or poll() was interrupted)
     */
    boolean await() throws IOException {
        collectDrops();
        if (Libc.poll(errno, pollFds, 2, -1) < 0) {
            int e = Libc.errno(errno);
            if (e == Libc.EINTR) {
                return false;
            }
            throw Errno.exception("poll(" + description + ")", e);
        }
        if ((pollFds.get(ValueLayout.JAVA_SHORT, 14) & Libc.POLLIN) == 0) {
            return false;
        }
        // Reading the eventfd resets it, so the next wait blocks again until the next wakeUp().
        // EAGAIN (another wait already reset it) is harmless: the eventfd is non-blocking.
        Libc.read(errno, wakeFd, drained, 8);
        return true;
    }

    void onDrops(LongConsumer listener) {
        this.dropListener = listener;
    }

    /** PACKET_STATISTICS: packets and drops since the last read (reading resets them). */
    private void collectDrops() throws IOException {
        batchesSinceStatistics = 0;
        statisticsLength.set(ValueLayout.JAVA_INT, 0, 8);
        if (Libc.getsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, statistics, statisticsLength) != 0) {
            throw Errno.exception("getsockopt(PACKET_STATISTICS) for " + description, Libc.errno(errno));
        }
        long drops = statistics.get(ValueLayout.JAVA_INT, 4) & 0xFFFF_FFFFL;
        if (drops > 0) {
            dropListener.accept(drops);
        }
    }

    void wakeUp() {
        synchronized (wakeErrno) {
            Libc.write(wakeErrno, wakeFd, one, 8);
        }
    }

    /** Bytes of datagram {@code i} in its slot after {@link #receive()}. */
    int length(int i) {
        return Math.min(messages.get(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MMSG_LEN), slotSize);
    }

    /** The sockaddr_ll segment {@link #receive()} fills, one per slot. */
    MemorySegment linkSources() {
        return linkSources;
    }

    /** Whether datagram {@code i} was longer than its slot. */
    boolean truncated(int i) {
        return (messages.get(ValueLayout.JAVA_INT, i * Libc.MMSGHDR.byteSize() + Libc.MMSG_FLAGS) & Libc.MSG_TRUNC)
                != 0;
    }

    /** Closes the socket and the eventfd; the arena stays the owner's to close. */
    void close() {
        Libc.close(errno, fd);
        Libc.close(errno, wakeFd);
    }
}
