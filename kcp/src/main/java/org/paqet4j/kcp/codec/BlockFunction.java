package org.paqet4j.kcp.codec;

/** The forward direction of a block cipher; CFB never needs the inverse. */
interface BlockFunction {

    int blockSize();

    /** Encrypts one block from {@code in[inOff..]} into {@code out[outOff..]}; in and out may be the same. */
    void encryptBlock(byte[] in, int inOff, byte[] out, int outOff);
}
