package org.paqet4j.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Interns the source addresses of received packets: a known (address, port) returns the same
 * {@link InetSocketAddress} without allocating. Open addressing over a fixed power-of-two table
 * with short probes; when a probe run is full the home slot is overwritten, so memory stays
 * bounded under address floods and eviction is O(1) (flushing the whole map when it is full would stall every peer at once).
 * Used by the receiving thread only.
 */
final class PeerTable {

    private static final int PROBES = 8;

    private final byte[][] addresses;
    private final int[] ports;
    private final InetSocketAddress[] peers;
    private final int mask;

    PeerTable(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        addresses = new byte[size][];
        ports = new int[size];
        peers = new InetSocketAddress[size];
        mask = size - 1;
    }

    InetSocketAddress intern(MemorySegment segment, long addressOffset, int addressLength, int port) {
        int hash = port * 0x9E3779B1;
        for (int i = 0; i < addressLength; i++) {
            hash = (hash ^ segment.get(ValueLayout.JAVA_BYTE, addressOffset + i)) * 0x01000193;
        }
        hash ^= hash >>> 16;
        int home = hash & mask;
        for (int probe = 0; probe < PROBES; probe++) {
            int slot = (home + probe) & mask;
            byte[] known = addresses[slot];
            if (known == null) {
                return insert(slot, segment, addressOffset, addressLength, port);
            }
            if (ports[slot] == port && matches(known, segment, addressOffset, addressLength)) {
                return peers[slot];
            }
        }
        return insert(home, segment, addressOffset, addressLength, port);
    }

    private static boolean matches(byte[] known, MemorySegment segment, long offset, int length) {
        if (known.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (known[i] != segment.get(ValueLayout.JAVA_BYTE, offset + i)) {
                return false;
            }
        }
        return true;
    }

    private InetSocketAddress insert(int slot, MemorySegment segment, long offset, int length, int port) {
        byte[] bytes = segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        InetSocketAddress peer;
        try {
            peer = new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + length + " bytes", e);
        }
        addresses[slot] = bytes;
        ports[slot] = port;
        peers[slot] = peer;
        return peer;
    }
}
