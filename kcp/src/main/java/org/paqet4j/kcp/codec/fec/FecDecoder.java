package org.paqet4j.kcp.codec.fec;

import java.util.Arrays;
import org.paqet4j.kcp.codec.DatagramCodec.PayloadInput;

/**
 * kcp-go's FEC decoder with bounded memory: shards are collected per group (seqid / total shards)
 * in a fixed number of group slots with preallocated buffers; as soon as a group holds
 * {@code dataShards} shards, missing data shards are rebuilt and emitted, and the group is closed
 * (later and duplicate shards of it are ignored). Groups more than {@value #GROUPS} - 1 groups
 * behind the newest one are expired, as kcp-go's maxShardSets does. Data shards themselves are
 * delivered by the caller as they arrive; this class only sees copies.
 */
public final class FecDecoder {

    /** The newest group and the 3 before it (kcp-go keeps maxShardSets = 3 older sets). */
    static final int GROUPS = 4;

    private final int dataShards;
    private final int totalShards;
    private final long groupIds;
    private final long paws;
    private final ReedSolomon codec;
    private final Group[] groups = new Group[GROUPS];
    private long newest = -1;

    public FecDecoder(int dataShards, int parityShards) {
        this.codec = new ReedSolomon(dataShards, parityShards);
        this.dataShards = dataShards;
        this.totalShards = dataShards + parityShards;
        this.paws = FecFormat.paws(totalShards);
        this.groupIds = paws / totalShards;
        for (int i = 0; i < GROUPS; i++) {
            groups[i] = new Group(totalShards);
        }
    }

    /** What {@link #accept} did with a shard. */
    public enum Outcome {
        /** Kept for a group that may still need recovery. */
        STORED,
        /** Completed a group (recovered shards, if any, were emitted). */
        COMPLETED,
        /** Duplicate, late, beyond the seqid range, or typed against this decoder's group layout. */
        IGNORED,
        /** The shard is longer than any kcp-go shard can be. */
        MALFORMED
    }

    /**
     * Takes the FEC packet {@code buf[offset, offset + length)} (header included, {@code length >= 8},
     * type data or parity) and emits any data shards it lets the decoder recover, calling
     * {@code onRecovered} once before each.
     */
    public Outcome accept(byte[] buf, int offset, int length, PayloadInput recovered, Runnable onRecovered) {
        long seqid = FecFormat.readU32(buf, offset);
        int type = FecFormat.readU16(buf, offset + 4);
        int shardLength = length - FecFormat.HEADER_SIZE;
        if (shardLength > FecFormat.MAX_SHARD) {
            return Outcome.MALFORMED;
        }
        if (seqid >= paws) {
            return Outcome.IGNORED;
        }
        int index = (int) (seqid % totalShards);
        if ((index < dataShards) != (type == FecFormat.TYPE_DATA)) {
            // The peer groups shards differently (other data/parity counts): no recovery possible.
            return Outcome.IGNORED;
        }
        long id = seqid / totalShards;
        if (newest >= 0 && age(id, newest) >= GROUPS) {
            return Outcome.IGNORED;
        }
        Group group = slotFor(id);
        if (group.closed || group.present[index]) {
            return Outcome.IGNORED;
        }
        group.store(index, buf, offset + FecFormat.HEADER_SIZE, shardLength, index < dataShards);
        if (newest < 0 || age(newest, id) > 0) {
            newest = id;
            expireOld();
        }
        if (group.received < dataShards) {
            return Outcome.STORED;
        }
        group.closed = true;
        if (group.dataReceived < dataShards) {
            recover(group, recovered, onRecovered);
        }
        return Outcome.COMPLETED;
    }

    private void recover(Group group, PayloadInput recovered, Runnable onRecovered) {
        int maxLength = 0;
        for (int i = 0; i < totalShards; i++) {
            if (group.present[i]) {
                maxLength = Math.max(maxLength, group.lengths[i]);
            }
        }
        for (int i = 0; i < totalShards; i++) {
            if (group.present[i]) {
                Arrays.fill(group.shards[i], group.lengths[i], maxLength, (byte) 0);
            }
        }
        for (int d = 0; d < dataShards; d++) {
            if (!group.present[d] && group.shards[d] == null) {
                group.shards[d] = new byte[FecFormat.MAX_SHARD];
            }
        }
        if (!codec.reconstructData(group.shards, group.present, 0, maxLength)) {
            return;
        }
        for (int d = 0; d < dataShards; d++) {
            if (group.present[d]) {
                continue;
            }
            byte[] shard = group.shards[d];
            int size = FecFormat.readU16(shard, 0);
            // The size field came through the erasure code; trust it only within the shard.
            if (size >= 2 && size <= maxLength) {
                onRecovered.run();
                recovered.acceptRecovered(shard, 2, size - 2);
            }
        }
    }

    /** How many groups {@code a} is behind {@code b}, in the wrapping group-id space (negative if ahead). */
    private long age(long a, long b) {
        long d = Math.floorMod(b - a, groupIds);
        return d > groupIds / 2 ? d - groupIds : d;
    }

    private Group slotFor(long id) {
        Group free = null;
        Group oldest = null;
        for (Group g : groups) {
            if (g.id == id) {
                return g;
            }
            if (g.id < 0) {
                free = g;
            } else if (oldest == null || age(g.id, oldest.id) < 0) {
                oldest = g;
            }
        }
        Group slot = free != null ? free : oldest;
        slot.reset(id);
        return slot;
    }

    private void expireOld() {
        for (Group g : groups) {
            if (g.id >= 0 && age(g.id, newest) >= GROUPS) {
                g.id = -1;
            }
        }
    }

    /** One group's shards; buffers are allocated on first use and reused for later groups. */
    private static final class Group {
        long id = -1;
        final boolean[] present;
        final int[] lengths;
        final byte[][] shards;
        int received;
        int dataReceived;
        boolean closed;

        Group(int totalShards) {
            present = new boolean[totalShards];
            lengths = new int[totalShards];
            shards = new byte[totalShards][];
        }

        void reset(long newId) {
            id = newId;
            Arrays.fill(present, false);
            received = 0;
            dataReceived = 0;
            closed = false;
        }

        void store(int index, byte[] buf, int offset, int length, boolean data) {
            if (shards[index] == null) {
                shards[index] = new byte[FecFormat.MAX_SHARD];
            }
            System.arraycopy(buf, offset, shards[index], 0, length);
            lengths[index] = length;
            present[index] = true;
            received++;
            if (data) {
                dataReceived++;
            }
        }
    }
}
