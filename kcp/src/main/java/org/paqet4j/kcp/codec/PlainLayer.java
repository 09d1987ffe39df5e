package org.paqet4j.kcp.codec;

/** kcp-go with a nil BlockCrypt ({@code null}): no header, no CRC, nothing to check. */
final class PlainLayer implements CryptoLayer {

    @Override
    public int headerSize() {
        return 0;
    }

    @Override
    public int trailerSize() {
        return 0;
    }

    @Override
    public int seal(byte[] buf, int plainLength) {
        return plainLength;
    }

    @Override
    public int open(byte[] buf, int wireLength) {
        return wireLength;
    }
}
