package org.paqet4j.packet;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.paqet4j.packet.route.MacAddress;

/**
 * The source MAC of the last frame each peer's packets arrived in: on an Ethernet link that is
 * the next hop back toward the peer (the peer itself, or the router that forwarded its packet).
 * Replies use it when the kernel's route and neighbour tables know nothing better, such as a
 * peer the server has never sent to and the kernel has not resolved. Bounded: when full, it
 * starts over, since every live peer refills its entry with its next packet.
 */
final class LearnedNextHops {

    private final ConcurrentHashMap<InetAddress, MacAddress> macs = new ConcurrentHashMap<>();
    private final int capacity;

    LearnedNextHops(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Records that {@code peer}'s packet arrived in a frame from {@code bits}; allocates only when
     * that differs from what was known.
     *
     * @return whether the MAC changed from a previously known one (routes built on it are stale)
     */
    boolean observe(InetAddress peer, long bits) {
        MacAddress known = macs.get(peer);
        if (known != null && known.bits() == bits) {
            return false;
        }
        if (known == null && macs.size() >= capacity) {
            macs.clear();
        }
        macs.put(peer, new MacAddress(bits));
        return known != null;
    }

    /** The MAC {@code peer}'s frames last came from, or {@code null} if none was seen. */
    MacAddress of(InetAddress peer) {
        return macs.get(peer);
    }
}
