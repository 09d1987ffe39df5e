package org.paqet4j.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.paqet4j.packet.sys.Libc;
import org.paqet4j.packet.wire.TcpPacketTemplate;

/**
 * Everything needed to send to one peer, computed on the first send: the header template and,
 * for raw IP sockets, the destination sockaddr.
 */
final class PeerRoute {

    final TcpPacketTemplate template;
    final boolean ipv6;
    final byte[] sockaddr;
    /** Whether the next hop was resolved for this peer (and expires), rather than configured. */
    private final boolean resolved;
    /** {@link System#nanoTime()} after which a resolved next hop is looked up again. */
    private final long expiresNanos;

    PeerRoute(TcpPacketTemplate template, InetSocketAddress peer, boolean resolved, long expiresNanos) {
        this.template = template;
        this.resolved = resolved;
        this.expiresNanos = expiresNanos;
        this.ipv6 = peer.getAddress() instanceof Inet6Address;
        this.sockaddr = new byte[ipv6 ? Libc.SOCKADDR_IN6_SIZE : Libc.SOCKADDR_IN_SIZE];
        MemorySegment s = MemorySegment.ofArray(sockaddr);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder()), 0, (short)
                (ipv6 ? Libc.AF_INET6 : Libc.AF_INET));
        byte[] address = peer.getAddress().getAddress();
        MemorySegment.copy(address, 0, s, ValueLayout.JAVA_BYTE, ipv6 ? 8 : 4, address.length);
    }

    boolean stale() {
        return resolved && System.nanoTime() - expiresNanos > 0;
    }
}
