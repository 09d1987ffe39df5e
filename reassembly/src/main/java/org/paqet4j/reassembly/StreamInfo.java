package org.paqet4j.reassembly;

/** A new stream: its index (0, 1, 2… in the order first seen) and endpoints. */
public record StreamInfo(long index, Endpoint node0, Endpoint node1, long firstFrameNumber, long firstTimestampNanos) {}
