package org.paqet4j.kcp.codec;

/**
 * The outer layer of a kcp-go datagram: plaintext lives at {@code buf[headerSize(), ...)}, the
 * layer writes its header in front and its trailer behind and transforms the datagram in place.
 */
sealed interface CryptoLayer permits PlainLayer, CrcCipherLayer, GcmLayer {

    /** {@link #open} result: shorter than the layer's own header and trailer. */
    int TOO_SHORT = -1;
    /** {@link #open} result: the CRC32 did not match. */
    int BAD_CHECKSUM = -2;
    /** {@link #open} result: the AEAD tag did not verify. */
    int BAD_TAG = -3;

    int headerSize();

    int trailerSize();

    /** Seals {@code plainLength} bytes at {@code buf[headerSize()..]}; returns the wire length from 0. */
    int seal(byte[] buf, int plainLength);

    /**
     * Opens the wire datagram {@code buf[0, wireLength)} in place; returns the plaintext length (the
     * plaintext starts at {@code headerSize()}) or one of the negative results.
     */
    int open(byte[] buf, int wireLength);
}
