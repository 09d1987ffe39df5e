package org.paqet4j.kcp.codec;

/** kcp-go's datagram constants (sess.go, crypt.go, fec.go). */
final class KcpGoFraming {

    /** Random bytes in front of every block-cipher datagram. */
    static final int NONCE_SIZE = 16;
    /** CRC32 (IEEE, little-endian) after the nonce. */
    static final int CRC_SIZE = 4;

    static final int CRYPT_HEADER_SIZE = NONCE_SIZE + CRC_SIZE;
    /** aes-128-gcm: 12-byte nonce in front, 16-byte tag behind, no CRC. */
    static final int GCM_NONCE_SIZE = 12;

    static final int GCM_TAG_SIZE = 16;
    /** kcp-go's largest datagram; also the size of the xor table. */
    static final int MTU_LIMIT = 1500;
    /** kcp-go's fixed CFB IV; 8-byte-block ciphers use its first 8 bytes. */
    static final byte[] INITIAL_VECTOR = {
        (byte) 167,
        115,
        79,
        (byte) 156,
        18,
        (byte) 172,
        27,
        1,
        (byte) 164,
        21,
        (byte) 242,
        (byte) 193,
        (byte) 252,
        120,
        (byte) 230,
        107
    };

    private KcpGoFraming() {}
}
