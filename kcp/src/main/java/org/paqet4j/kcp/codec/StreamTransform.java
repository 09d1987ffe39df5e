package org.paqet4j.kcp.codec;

/**
 * A length-preserving, in-place transformation of a whole datagram (nonce and CRC included): the
 * "BlockCrypt" of kcp-go. Implementations keep their working state in fields and allocate nothing
 * per call; one instance is used by one thread at a time.
 */
interface StreamTransform {

    void encrypt(byte[] buf, int offset, int length);

    void decrypt(byte[] buf, int offset, int length);
}
