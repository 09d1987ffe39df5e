package org.paqet4j.kcp.codec;

import java.util.zip.CRC32;

/**
 * kcp-go's layer for every non-AEAD cipher (and {@code none}): 16 random nonce bytes, CRC32 (IEEE,
 * little-endian) of everything after byte 20, then the whole datagram, nonce included, through
 * the cipher's transform.
 */
final class CrcCipherLayer implements CryptoLayer {

    private static final int NONCE = KcpGoFraming.NONCE_SIZE;
    private static final int HEADER = KcpGoFraming.CRYPT_HEADER_SIZE;

    private final StreamTransform transform;
    private final NonceGenerator nonces;
    private final CRC32 crc = new CRC32();

    CrcCipherLayer(StreamTransform transform, NonceGenerator nonces) {
        this.transform = transform;
        this.nonces = nonces;
    }

    @Override
    public int headerSize() {
        return HEADER;
    }

    @Override
    public int trailerSize() {
        return 0;
    }

    @Override
    public int seal(byte[] buf, int plainLength) {
        nonces.next(buf, 0, NONCE);
        writeIntLe(buf, NONCE, checksum(buf, HEADER, plainLength));
        int wireLength = HEADER + plainLength;
        transform.encrypt(buf, 0, wireLength);
        return wireLength;
    }

    @Override
    public int open(byte[] buf, int wireLength) {
        if (wireLength < HEADER) {
            return TOO_SHORT;
        }
        transform.decrypt(buf, 0, wireLength);
        int plainLength = wireLength - HEADER;
        if (readIntLe(buf, NONCE) != checksum(buf, HEADER, plainLength)) {
            return BAD_CHECKSUM;
        }
        return plainLength;
    }

    private int checksum(byte[] buf, int offset, int length) {
        crc.reset();
        crc.update(buf, offset, length);
        return (int) crc.getValue();
    }

    private static void writeIntLe(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    private static int readIntLe(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
