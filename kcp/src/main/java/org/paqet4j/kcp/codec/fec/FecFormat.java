package org.paqet4j.kcp.codec.fec;

/**
 * kcp-go's FEC header (fec.go): seqid u32 LE, type u16 LE, then the size u16 LE (payload length +
 * 2) which is the first field of the Reed-Solomon shard, so a recovered shard knows its length.
 */
public final class FecFormat {

    /** seqid + type. */
    public static final int HEADER_SIZE = 6;
    /** seqid + type + size: the bytes in front of a KCP payload. */
    public static final int HEADER_SIZE_PLUS_2 = 8;

    public static final int TYPE_DATA = 0xF1;
    public static final int TYPE_PARITY = 0xF2;
    /** kcp-go's out-of-band packets (newer kcp-go only); recognised so they are not fed to KCP. */
    public static final int TYPE_OOB = 0xF3;
    /** The largest KCP payload a shard can carry (kcp-go's mtuLimit bounds whole datagrams). */
    public static final int MAX_PAYLOAD = 1500;
    /** Size field + payload. */
    static final int MAX_SHARD = MAX_PAYLOAD + 2;

    private FecFormat() {}

    /** kcp-go's "protect against wrapped sequence numbers": seqids stay below a multiple of the group size. */
    static long paws(int totalShards) {
        return 0xFFFFFFFFL / totalShards * totalShards;
    }

    static int readU16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static long readU32(byte[] b, int off) {
        return ((b[off] & 0xFF)
                | (b[off + 1] & 0xFF) << 8
                | (b[off + 2] & 0xFF) << 16
                | (long) (b[off + 3] & 0xFF) << 24);
    }

    static void writeU16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void writeU32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
