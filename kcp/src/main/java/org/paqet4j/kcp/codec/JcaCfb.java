package org.paqet4j.kcp.codec;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kcp-go's whole-datagram CFB with the fixed IV through the JDK's own CFB mode (AES with AES-NI
 * intrinsics, DESede). Full-block CFB ("CFB" without a bit count) with a partial last block is
 * exactly kcp-go's loop. A JCA cipher returns to its initial IV after every {@code doFinal}, so the
 * two ciphers are initialised once and reused for every datagram.
 */
final class JcaCfb implements StreamTransform {

    private final Cipher encryptor;
    private final Cipher decryptor;

    JcaCfb(String algorithm, byte[] key) {
        try {
            SecretKeySpec keySpec = new SecretKeySpec(key, algorithm);
            encryptor = Cipher.getInstance(algorithm + "/CFB/NoPadding");
            int blockSize = encryptor.getBlockSize();
            IvParameterSpec iv = new IvParameterSpec(Arrays.copyOf(KcpGoFraming.INITIAL_VECTOR, blockSize));
            encryptor.init(Cipher.ENCRYPT_MODE, keySpec, iv);
            decryptor = Cipher.getInstance(algorithm + "/CFB/NoPadding");
            decryptor.init(Cipher.DECRYPT_MODE, keySpec, iv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + "/CFB is not available in this JDK", e);
        }
    }

    @Override
    public void encrypt(byte[] buf, int offset, int length) {
        run(encryptor, buf, offset, length);
    }

    @Override
    public void decrypt(byte[] buf, int offset, int length) {
        run(decryptor, buf, offset, length);
    }

    private static void run(Cipher cipher, byte[] buf, int offset, int length) {
        try {
            cipher.doFinal(buf, offset, length, buf, offset);
        } catch (ShortBufferException | javax.crypto.IllegalBlockSizeException | javax.crypto.BadPaddingException e) {
            // CFB without padding neither pads nor checks anything, and the output is the input.
            throw new IllegalStateException("CFB in place failed for " + length + " bytes", e);
        }
    }
}
