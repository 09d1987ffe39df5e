package org.paqet4j.packet;

import java.util.Map;

/**
 * A snapshot-able view of a carrier's counters. Values only grow.
 */
public interface CarrierCounters {
    long packetsSent();

    long bytesSent();

    long packetsReceived();

    long bytesReceived();

    /** Captured packets that were not for this carrier (other port, no payload, wrong family). */
    long droppedNotOurs();

    /** Packets shorter than their headers claim, or larger than the receive buffer. */
    long droppedTruncated();

    /** Packets whose IPv4 header or TCP checksum is wrong. */
    long droppedBadChecksum();

    /**
     * Packets dropped because a receive queue was full (for the raw carrier: the kernel's capture
     * queue or ring, from PACKET_STATISTICS, updated before the receiver waits and every 256 batches).
     */
    long droppedQueueFull();

    /** Send failures after retries, by errno name (e.g. "ENOBUFS" → 3). */
    Map<String, Long> sendErrors();

    /** The counters as fixed values: a copy taken at one moment, or a test double's. */
    record Snapshot(
            long packetsSent,
            long bytesSent,
            long packetsReceived,
            long bytesReceived,
            long droppedNotOurs,
            long droppedTruncated,
            long droppedBadChecksum,
            long droppedQueueFull,
            Map<String, Long> sendErrors)
            implements CarrierCounters {
        public Snapshot {
            sendErrors = Map.copyOf(sendErrors);
        }
    }
}
