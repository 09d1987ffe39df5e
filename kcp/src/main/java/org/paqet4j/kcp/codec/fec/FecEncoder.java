package org.paqet4j.kcp.codec.fec;

import java.util.Arrays;

/**
 * kcp-go's FEC encoder: every KCP payload becomes a data shard with seqid, type 0xF1 and size;
 * after every {@code dataShards} data shards, {@code parityShards} parity shards (type 0xF2, the
 * following seqids) are computed over the group's shards (size field + payload), each zero-padded
 * to the longest one. Parity datagrams are built in buffers owned by the encoder, with room for
 * the crypto header in front and the AEAD tag behind, so the caller seals them in place.
 *
 * <p>kcp-go skips a group's parity when the group took longer than one RTO; this encoder has no
 * clock and always sends it (receivers accept both).
 */
public final class FecEncoder {

    private final int dataShards;
    private final int parityShards;
    private final long paws;
    private final int headerOffset;
    private final ReedSolomon codec;
    private final byte[][] dataCopies;
    private final int[] shardLengths;
    private final byte[][] parityDatagrams;
    private long next;
    private int count;
    private int maxShard;
    private int parityLength;

    /**
     * @param headerOffset bytes of crypto header in front of the FEC header
     * @param trailerRoom  bytes the crypto layer appends (AEAD tag)
     */
    public FecEncoder(int dataShards, int parityShards, int headerOffset, int trailerRoom) {
        this.codec = new ReedSolomon(dataShards, parityShards);
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.paws = FecFormat.paws(dataShards + parityShards);
        this.headerOffset = headerOffset;
        this.dataCopies = new byte[dataShards][FecFormat.MAX_SHARD];
        this.shardLengths = new int[dataShards];
        this.parityDatagrams =
                new byte[parityShards][headerOffset + FecFormat.HEADER_SIZE + FecFormat.MAX_SHARD + trailerRoom];
    }

    /**
     * Writes the data shard header at {@code buf[headerOffset, headerOffset + 8)} for the payload of
     * {@code payloadLength} bytes that follows it and remembers the shard. Returns the number of
     * parity datagrams now ready ({@code 0} or {@code parityShards}): {@link #parityDatagram(int)}
     * holds {@link #parityPlainLength()} plaintext bytes from {@code headerOffset}, with room for the
     * crypto header in front and the trailer behind.
     */
    public int sealData(byte[] buf, int payloadLength) {
        if (payloadLength < 0 || payloadLength > FecFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("KCP payload of " + payloadLength
                    + " bytes is outside the FEC limit of 0.." + FecFormat.MAX_PAYLOAD);
        }
        int h = headerOffset;
        FecFormat.writeU32(buf, h, next);
        FecFormat.writeU16(buf, h + 4, FecFormat.TYPE_DATA);
        int shardLength = payloadLength + 2;
        FecFormat.writeU16(buf, h + FecFormat.HEADER_SIZE, shardLength);
        next = (next + 1) % paws;
        System.arraycopy(buf, h + FecFormat.HEADER_SIZE, dataCopies[count], 0, shardLength);
        shardLengths[count] = shardLength;
        maxShard = Math.max(maxShard, shardLength);
        if (++count < dataShards) {
            return 0;
        }
        encodeGroup();
        return parityShards;
    }

    /** The k-th parity datagram of the group just completed (valid until the next {@link #sealData}). */
    public byte[] parityDatagram(int k) {
        return parityDatagrams[k];
    }

    /** Plaintext bytes of each parity datagram after the crypto header: FEC header + shard. */
    public int parityPlainLength() {
        return parityLength;
    }

    private void encodeGroup() {
        int length = maxShard;
        for (int d = 0; d < dataShards; d++) {
            Arrays.fill(dataCopies[d], shardLengths[d], length, (byte) 0);
        }
        int shardOffset = headerOffset + FecFormat.HEADER_SIZE;
        codec.encodeParity(dataCopies, 0, parityDatagrams, shardOffset, length);
        for (int p = 0; p < parityShards; p++) {
            byte[] datagram = parityDatagrams[p];
            FecFormat.writeU32(datagram, headerOffset, next);
            FecFormat.writeU16(datagram, headerOffset + 4, FecFormat.TYPE_PARITY);
            next = (next + 1) % paws;
        }
        parityLength = FecFormat.HEADER_SIZE + length;
        count = 0;
        maxShard = 0;
    }
}
