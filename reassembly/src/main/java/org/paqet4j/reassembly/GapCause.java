package org.paqet4j.reassembly;

/** Why bytes of a stream were skipped. */
public enum GapCause {
    /** The peer acknowledged bytes that are not in the capture (tshark's "bytes missing in capture file"). */
    LOST_ACKED,
    /** The connection was idle longer than the configured timeout with a hole still open. */
    TIMEOUT,
    /** The memory budget or the per-connection cap forced the oldest hole to be skipped. */
    EVICTED,
    /** The stream ended with a hole still open: {@code close()} at the end of a capture, or a new SYN reused its 4-tuple. */
    END_OF_CAPTURE
}
