package org.paqet4j.lab;

/**
 * What one direction of an {@link ImpairedBridge} did so far. Every received frame ends up as
 * exactly one of forwarded (copies not counted), dropped, overflowed or refused, or is still
 * queued; {@code oversized} frames were never received whole.
 *
 * @param received    frames read from the ingress interface
 * @param forwarded   frames written to the egress interface, duplicates included
 * @param dropped     frames lost on purpose ({@link Impairment#loss()})
 * @param overflowed  frames dropped because the queue held {@link Impairment#limit()} frames
 * @param duplicated  extra copies made ({@link Impairment#duplicate()})
 * @param reordered   frames held back and sent after the frame that followed them
 * @param delayed     frames that waited in the queue for a later release time
 * @param refused     frames the egress link refused (ENOBUFS: the peer's backlog was full)
 * @param oversized   frames longer than MTU + 14 (dropped)
 * @param kernelDrops frames the kernel dropped because the ingress socket's queue was full
 */
public record DirectionCounters(
        long received,
        long forwarded,
        long dropped,
        long overflowed,
        long duplicated,
        long reordered,
        long delayed,
        long refused,
        long oversized,
        long kernelDrops) {}
