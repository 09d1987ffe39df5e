package org.paqet4j.reassembly;

/** Node 0 is the source of the first packet seen on a stream (as in tshark's follow output). */
public enum Direction {
    /** node 0 → node 1 */
    FROM_NODE0,
    /** node 1 → node 0 */
    FROM_NODE1
}
