package org.paqet4j.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.paqet4j.packet.sys.Libc;

/**
 * One sender's off-heap scratch: a frame area, sendmmsg message headers, iovecs and destination
 * addresses, and an errno capture segment. A slot is used by one thread at a time.
 */
final class SendSlot {

    static final int AREA_BYTES = 256 * 1024;
    static final int MAX_MESSAGES = 64;
    private static final int NAME_BYTES = 32;

    final MemorySegment area;
    final ByteBuffer areaBuffer;
    final MemorySegment messages;
    final MemorySegment errno;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final int[] payloadLengths = new int[MAX_MESSAGES];
    /** Messages of the current flush the kernel has taken so far. */
    int sent;

    SendSlot(Arena arena) {
        area = arena.allocate(AREA_BYTES, 64);
        areaBuffer = area.asByteBuffer();
        messages = arena.allocate(Libc.MMSGHDR, MAX_MESSAGES);
        iovecs = arena.allocate(Libc.IOVEC, MAX_MESSAGES);
        names = arena.allocate((long) NAME_BYTES * MAX_MESSAGES, 8);
        errno = Libc.newErrnoState(arena);
        for (int i = 0; i < MAX_MESSAGES; i++) {
            long m = i * Libc.MMSGHDR.byteSize();
            messages.set(ValueLayout.ADDRESS, m + Libc.MMSG_IOV, iovecs.asSlice(i * Libc.IOVEC.byteSize()));
            messages.set(ValueLayout.JAVA_LONG, m + Libc.MMSG_IOVLEN, 1);
        }
    }

    /**
     * Describes message {@code i}: {@code length} bytes at {@code offset} of the area carrying
     * {@code payloadLength} bytes of datagram, to {@code sockaddr} or the bound interface (null).
     */
    void message(int i, long offset, int length, byte[] sockaddr, int payloadLength) {
        payloadLengths[i] = payloadLength;
        long iov = i * Libc.IOVEC.byteSize();
        iovecs.set(ValueLayout.JAVA_LONG, iov, area.address() + offset);
        iovecs.set(ValueLayout.JAVA_LONG, iov + 8, length);
        long m = i * Libc.MMSGHDR.byteSize();
        if (sockaddr == null) {
            messages.set(ValueLayout.JAVA_LONG, m + Libc.MMSG_NAME, 0);
            messages.set(ValueLayout.JAVA_INT, m + Libc.MMSG_NAMELEN, 0);
        } else {
            long name = (long) i * NAME_BYTES;
            MemorySegment.copy(sockaddr, 0, names, ValueLayout.JAVA_BYTE, name, sockaddr.length);
            messages.set(ValueLayout.JAVA_LONG, m + Libc.MMSG_NAME, names.address() + name);
            messages.set(ValueLayout.JAVA_INT, m + Libc.MMSG_NAMELEN, sockaddr.length);
        }
    }

    /** Datagram bytes in messages 0..count-1. */
    long payloadBytes(int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += payloadLengths[i];
        }
        return bytes;
    }

    /** The address of message {@code i}'s header, to resume a partly sent batch. */
    MemorySegment messagesFrom(int i) {
        return messages.asSlice(i * Libc.MMSGHDR.byteSize());
    }
}
