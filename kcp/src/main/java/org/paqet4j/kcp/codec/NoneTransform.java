package org.paqet4j.kcp.codec;

/** kcp-go's {@code none}: the nonce and CRC header is sent, nothing is encrypted. */
final class NoneTransform implements StreamTransform {

    @Override
    public void encrypt(byte[] buf, int offset, int length) {
        // Nothing to do: "none" keeps the header for the CRC, not for secrecy.
    }

    @Override
    public void decrypt(byte[] buf, int offset, int length) {
        // Nothing to do.
    }
}
