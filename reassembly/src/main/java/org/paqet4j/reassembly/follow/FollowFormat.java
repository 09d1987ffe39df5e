package org.paqet4j.reassembly.follow;

/** How {@link FollowPrinter} prints a stream. */
public enum FollowFormat {
    /**
     * One JSON object per stream: {@code {"stream": N, "node0": "ip:port", "node1": "ip:port",
     * "dir0": [ITEM...], "dir1": [ITEM...], "end": "fin|rst|timeout|evicted|reused|eof"}}, ITEM
     * {@code {"data": "<hex>"}} (adjacent data merged) or {@code {"gap": N}}.
     */
    JSONL,
    /** tshark's {@code -z follow,tcp,ascii,N} layout, byte for byte. */
    TEXT
}
