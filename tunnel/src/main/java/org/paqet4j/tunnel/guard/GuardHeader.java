package org.paqet4j.tunnel.guard;

/**
 * Wire layout of the packet guard's header (version 2), which precedes every datagram:
 *
 * <pre>
 *  0  magic    4  "P4j2" (version 1, a per-window cookie without counter, used "P4jG")
 *  4  sender   6  random per carrier instance: whose counter this is
 * 10  counter  6  1, 2, 3, ... per sender, big-endian
 * 16  time     4  sender's clock when sending, Unix seconds, big-endian
 * 20  tag      8  HMAC-SHA256(guard key, bytes 0..20 || payload), first 8 bytes
 * 28  payload     the KCP datagram
 * </pre>
 *
 * The tag binds sender, counter and time to the payload, so none of them can be changed on a
 * captured datagram; the counter makes every datagram of a sender unique (replays are dropped by
 * a sliding window), the time bounds how long the receiver must remember a sender.
 */
final class GuardHeader {

    static final byte[] MAGIC = {0x50, 0x34, 0x6A, 0x32};
    static final int MAGIC_LENGTH = 4;
    static final int SENDER_OFFSET = 4;
    static final int COUNTER_OFFSET = 10;
    static final int TIME_OFFSET = 16;
    static final int TAG_OFFSET = 20;
    static final int TAG_LENGTH = 8;
    static final int LENGTH = 28;
    /** Counters and sender ids are 48-bit. */
    static final long MAX_48 = (1L << 48) - 1;

    private GuardHeader() {}

    static boolean hasMagic(byte[] b, int length) {
        return length >= LENGTH && b[0] == MAGIC[0] && b[1] == MAGIC[1] && b[2] == MAGIC[2] && b[3] == MAGIC[3];
    }

    static long read48(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[offset + i] & 0xFF);
        }
        return v;
    }

    static void write48(byte[] b, int offset, long v) {
        for (int i = 5; i >= 0; i--) {
            b[offset + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long readTime(byte[] b) {
        return ((b[TIME_OFFSET] & 0xFFL) << 24)
                | ((b[TIME_OFFSET + 1] & 0xFF) << 16)
                | ((b[TIME_OFFSET + 2] & 0xFF) << 8)
                | (b[TIME_OFFSET + 3] & 0xFF);
    }

    static void writeTime(byte[] b, long seconds) {
        b[TIME_OFFSET] = (byte) (seconds >>> 24);
        b[TIME_OFFSET + 1] = (byte) (seconds >>> 16);
        b[TIME_OFFSET + 2] = (byte) (seconds >>> 8);
        b[TIME_OFFSET + 3] = (byte) seconds;
    }
}
