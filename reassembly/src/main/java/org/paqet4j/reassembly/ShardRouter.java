package org.paqet4j.reassembly;

/**
 * Picks the shard of a segment by a symmetric hash of its 4-tuple, so both directions of a
 * connection, and every stream ever on that 4-tuple, land on the same shard (and the same
 * single-threaded reassembler, which is what keeps connection creation free of races).
 */
public final class ShardRouter {

    private final int shards;

    public ShardRouter(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        this.shards = shards;
    }

    public int shards() {
        return shards;
    }

    public int shardOf(Endpoint source, Endpoint destination) {
        return Math.floorMod(ConnectionKey.of(source, destination).flowHash(), shards);
    }

    public int shardOf(TcpSegment segment) {
        return shardOf(segment.source(), segment.destination());
    }
}
