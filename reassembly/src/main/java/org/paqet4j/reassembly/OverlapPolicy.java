package org.paqet4j.reassembly;

/**
 * How overlapping copies of not-yet-delivered bytes are resolved. Bytes already delivered are
 * never replaced under any policy.
 */
public enum OverlapPolicy {
    /**
     * tshark's Follow TCP Stream: out-of-order segments queue in arrival order; when the hole
     * closes, the first queued segment starting at or before the delivered end contributes its new
     * bytes. Lower start wins, equal starts go to the earlier arrival, and an in-order segment
     * beats queued bytes it overlaps.
     */
    BSD,
    /** Per byte, the copy that arrived first wins (also over a later in-order segment). */
    FIRST,
    /** Per byte, the copy that arrived last wins. */
    LAST
}
