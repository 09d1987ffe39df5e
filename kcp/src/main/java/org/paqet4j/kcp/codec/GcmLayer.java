package org.paqet4j.kcp.codec;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kcp-go's {@code aes-128-gcm} (AEAD) layer: 12 random nonce bytes, then the ciphertext, then the
 * 16-byte tag; no additional data and no CRC. The JDK's GCM (AES-NI and carry-less multiply
 * intrinsics) is re-initialised with the fresh nonce for every datagram.
 */
final class GcmLayer implements CryptoLayer {

    private static final int NONCE = KcpGoFraming.GCM_NONCE_SIZE;
    private static final int TAG = KcpGoFraming.GCM_TAG_SIZE;

    private final SecretKeySpec key;
    private final Cipher encryptor;
    private final Cipher decryptor;
    private final NonceGenerator nonces;

    GcmLayer(byte[] key16, NonceGenerator nonces) {
        this.key = new SecretKeySpec(key16, "AES");
        this.nonces = nonces;
        try {
            encryptor = Cipher.getInstance("AES/GCM/NoPadding");
            decryptor = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JDK", e);
        }
    }

    @Override
    public int headerSize() {
        return NONCE;
    }

    @Override
    public int trailerSize() {
        return TAG;
    }

    @Override
    public int seal(byte[] buf, int plainLength) {
        nonces.next(buf, 0, NONCE);
        try {
            encryptor.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, buf, 0, NONCE));
            return NONCE + encryptor.doFinal(buf, NONCE, plainLength, buf, NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM seal of " + plainLength + " bytes failed", e);
        }
    }

    @Override
    public int open(byte[] buf, int wireLength) {
        if (wireLength < NONCE + TAG) {
            return TOO_SHORT;
        }
        try {
            decryptor.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, buf, 0, NONCE));
            return decryptor.doFinal(buf, NONCE, wireLength - NONCE, buf, NONCE);
        } catch (AEADBadTagException e) {
            return BAD_TAG;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM open of " + wireLength + " bytes failed", e);
        }
    }
}
