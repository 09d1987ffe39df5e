package org.paqet4j.reassembly;

/**
 * How overlapping copies of not-yet-delivered bytes are resolved. Bytes already delivered are
 * never replaced under any policy.
 *
 * <p>{@code LINUX}, {@code WINDOWS} and {@code SOLARIS} are Suricata's target-based rules: a new
 * segment is compared with each buffered segment it overlaps, by where the two start and end (the
 * segments as they arrived, not the pieces left of them), and either its bytes or the buffered
 * ones win on that overlap. Where several buffered segments overlap the same byte, the buffered
 * byte stays if any of them keeps it.
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
    LAST,
    /** The new segment wins when it starts before the buffered one, or starts with it and ends after it. */
    LINUX,
    /** The new segment wins only when it starts before the buffered one. */
    WINDOWS,
    /** The new segment wins when it ends after the buffered one, or ends with it and does not start after it. */
    SOLARIS;

    /**
     * Whether a new segment {@code [newStart, newEnd)} replaces the bytes of a buffered segment
     * {@code [oldStart, oldEnd)} where they overlap (positions as 64-bit stream offsets).
     */
    boolean newWins(long newStart, long newEnd, long oldStart, long oldEnd) {
        return switch (this) {
            case FIRST -> false;
            case LAST -> true;
            case LINUX -> newStart < oldStart || (newStart == oldStart && newEnd > oldEnd);
            case WINDOWS -> newStart < oldStart;
            case SOLARIS -> newEnd > oldEnd || (newEnd == oldEnd && newStart <= oldStart);
            case BSD ->
                throw new IllegalStateException("BSD keeps an arrival-order queue, not per-segment overlap rules");
        };
    }

    /** Whether this policy compares whole buffered segments (and so keeps their extents). */
    boolean bySegment() {
        return this == LINUX || this == WINDOWS || this == SOLARIS;
    }
}
