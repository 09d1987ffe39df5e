package org.paqet4j.reassembly;

/** The reassembler's mutable counters; owned by its single thread. */
final class Counters {
    long packets;
    long payloadBytes;
    long connectionsCreated;
    long connectionsClosed;
    long connectionsEvicted;
    long gaps;
    long gapBytes;
    long conflicts;
    long outOfOrderSegments;
    long bytesDropped;
}
