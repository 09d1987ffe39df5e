package org.paqet4j.kcp.codec;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;

/** A Bouncy Castle engine (for the ciphers the JDK does not ship) in the encrypt direction. */
final class BouncyCastleBlock implements BlockFunction {

    private final BlockCipher engine;

    BouncyCastleBlock(BlockCipher engine, byte[] key) {
        this.engine = engine;
        engine.init(true, new KeyParameter(key));
    }

    @Override
    public int blockSize() {
        return engine.getBlockSize();
    }

    @Override
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        engine.processBlock(in, inOff, out, outOff);
    }
}
