package org.paqet4j.reassembly;

/**
 * Counters of a {@link TcpReassembler} at one moment. {@code memoryUsed} is what the budget
 * counts: buffered payload plus fixed per-segment and per-connection estimates.
 */
public record ReassemblyStats(
        long packets,
        long payloadBytes,
        long connectionsActive,
        long connectionsCreated,
        long connectionsClosed,
        long connectionsEvicted,
        long gaps,
        long gapBytes,
        long conflicts,
        long outOfOrderSegments,
        long bytesDropped,
        long memoryUsed) {}
