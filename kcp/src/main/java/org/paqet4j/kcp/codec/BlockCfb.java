package org.paqet4j.kcp.codec;

import java.util.Arrays;

/**
 * kcp-go's CFB over a whole datagram: the keystream starts as E(IV) with kcp-go's fixed IV (its
 * first {@code blockSize} bytes), every full block is XORed and its ciphertext encrypted to form the
 * next keystream block, a trailing partial block is XORed with the start of the last keystream
 * block. Used for the ciphers that come from Bouncy Castle or are hand-written; per block it costs
 * one engine call and no allocation.
 */
final class BlockCfb implements StreamTransform {

    private final BlockFunction block;
    private final int blockSize;
    private final byte[] iv;
    private final byte[] keystream;
    private final byte[] saved;

    BlockCfb(BlockFunction block) {
        this.block = block;
        this.blockSize = block.blockSize();
        this.iv = Arrays.copyOf(KcpGoFraming.INITIAL_VECTOR, blockSize);
        this.keystream = new byte[blockSize];
        this.saved = new byte[blockSize];
    }

    @Override
    public void encrypt(byte[] buf, int offset, int length) {
        int bs = blockSize;
        byte[] ks = keystream;
        block.encryptBlock(iv, 0, ks, 0);
        int end = offset + length;
        int p = offset;
        for (; p + bs <= end; p += bs) {
            for (int i = 0; i < bs; i++) {
                buf[p + i] ^= ks[i];
            }
            block.encryptBlock(buf, p, ks, 0);
        }
        for (int i = 0; p < end; p++, i++) {
            buf[p] ^= ks[i];
        }
    }

    @Override
    public void decrypt(byte[] buf, int offset, int length) {
        int bs = blockSize;
        byte[] ks = keystream;
        byte[] c = saved;
        block.encryptBlock(iv, 0, ks, 0);
        int end = offset + length;
        int p = offset;
        for (; p + bs <= end; p += bs) {
            System.arraycopy(buf, p, c, 0, bs);
            for (int i = 0; i < bs; i++) {
                buf[p + i] ^= ks[i];
            }
            block.encryptBlock(c, 0, ks, 0);
        }
        for (int i = 0; p < end; p++, i++) {
            buf[p] ^= ks[i];
        }
    }
}
