package org.paqet4j.kcp.codec;

/** What a {@link DatagramCodec} dropped and recovered. Values only grow. */
public interface CodecCounters {

    /** Datagrams dropped because the CRC32 did not match (block ciphers and none). */
    long badChecksum();

    /** Datagrams dropped because the AEAD tag failed (aes-128-gcm). */
    long badTag();

    /** Datagrams dropped because they were too short or their FEC header was malformed. */
    long malformed();

    /** KCP payloads rebuilt from parity shards. */
    long fecRecovered();
}
