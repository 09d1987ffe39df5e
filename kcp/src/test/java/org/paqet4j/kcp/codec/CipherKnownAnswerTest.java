package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.TEAEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/** Each hand-written piece checked against an independent implementation. */
class CipherKnownAnswerTest {

    private final Random random = new Random(42);

    @Test
    void teaWith64RoundsIsStandardTea() {
        byte[] key = bytes(16);
        Tea tea = new Tea(key, 64);
        TEAEngine reference = new TEAEngine();
        reference.init(true, new KeyParameter(key));
        for (int i = 0; i < 100; i++) {
            byte[] block = bytes(8);
            byte[] ours = new byte[8];
            byte[] theirs = new byte[8];
            tea.encryptBlock(block, 0, ours, 0);
            reference.processBlock(block, 0, theirs, 0);
            assertThat(ours).isEqualTo(theirs);
        }
    }

    @Test
    void teaWith16RoundsInvertsAndDiffersFromStandardTea() {
        byte[] key = bytes(16);
        Tea sixteen = new Tea(key, 16);
        Tea standard = new Tea(key, 64);
        byte[] block = bytes(8);
        byte[] encrypted = new byte[8];
        byte[] decrypted = new byte[8];
        byte[] other = new byte[8];
        sixteen.encryptBlock(block, 0, encrypted, 0);
        sixteen.decryptBlock(encrypted, 0, decrypted, 0);
        standard.encryptBlock(block, 0, other, 0);
        assertThat(decrypted).isEqualTo(block);
        assertThat(encrypted).isNotEqualTo(other);
    }

    @Test
    void salsa20MatchesBouncyCastleWithTheFirstEightBytesAsNonce() {
        byte[] key = bytes(32);
        for (int length : new int[] {8, 9, 63, 64, 72, 73, 1350, 1500}) {
            byte[] datagram = bytes(length);
            byte[] ours = datagram.clone();
            new Salsa20(key).encrypt(ours, 0, length);
            Salsa20Engine reference = new Salsa20Engine();
            reference.init(true, new ParametersWithIV(new KeyParameter(key), Arrays.copyOf(datagram, 8)));
            byte[] theirs = datagram.clone();
            reference.processBytes(datagram, 8, length - 8, theirs, 8);
            assertThat(ours).as("length %d", length).isEqualTo(theirs);
        }
    }

    @Test
    void handWrittenCfbMatchesTheJdkCfbForSixteenAndEightByteBlocks() {
        byte[] key = bytes(32);
        for (int length : new int[] {1, 15, 16, 17, 20, 100, 1350, 1500}) {
            byte[] data = bytes(length);
            byte[] jdk = data.clone();
            new JcaCfb("AES", key).encrypt(jdk, 0, length);
            byte[] ours = data.clone();
            new BlockCfb(new BouncyCastleBlock(new AESEngine(), key)).encrypt(ours, 0, length);
            assertThat(ours).as("AES length %d", length).isEqualTo(jdk);

            byte[] key24 = Arrays.copyOf(key, 24);
            byte[] jdk3des = data.clone();
            new JcaCfb("DESede", key24).encrypt(jdk3des, 0, length);
            byte[] ours3des = data.clone();
            new BlockCfb(new BouncyCastleBlock(new DESedeEngine(), key24)).encrypt(ours3des, 0, length);
            assertThat(ours3des).as("3DES length %d", length).isEqualTo(jdk3des);

            new BlockCfb(new BouncyCastleBlock(new AESEngine(), key)).decrypt(ours, 0, length);
            assertThat(ours).isEqualTo(data);
        }
    }

    @Test
    void cfbUsesKcpGosFixedIv() {
        // One block of zeros encrypts to E(IV): the keystream's first block.
        byte[] key = bytes(16);
        byte[] zeros = new byte[16];
        new JcaCfb("AES", key).encrypt(zeros, 0, 16);
        byte[] expected = new byte[16];
        AESEngine aes = new AESEngine();
        aes.init(true, new KeyParameter(key));
        aes.processBlock(KcpGoFraming.INITIAL_VECTOR, 0, expected, 0);
        assertThat(zeros).isEqualTo(expected);
    }

    @Test
    void xorTableIsPbkdf2Sha1WithKcpGosSalt() throws Exception {
        byte[] key = bytes(32);
        byte[] salt = "sH3CIVoF#rWLtJo6".getBytes(StandardCharsets.US_ASCII);
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] expected = new byte[1500];
        for (int block = 1; (block - 1) * 20 < expected.length; block++) {
            hmac.update(salt);
            byte[] u = hmac.doFinal(new byte[] {0, 0, 0, (byte) block});
            byte[] t = u.clone();
            for (int i = 1; i < 32; i++) {
                u = hmac.doFinal(u);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            System.arraycopy(t, 0, expected, (block - 1) * 20, Math.min(20, expected.length - (block - 1) * 20));
        }
        assertThat(XorTable.table(key)).isEqualTo(expected);
    }

    @Test
    void keyDerivationsMatchTheJdksPbkdf2() throws Exception {
        String secret = "paqet4j secret ünïcode";
        assertThat(KeyDerivation.paqet(secret)).isEqualTo(jdkPbkdf2("PBKDF2WithHmacSHA256", secret, "paqet", 100_000));
        assertThat(KeyDerivation.kcptun(secret)).isEqualTo(jdkPbkdf2("PBKDF2WithHmacSHA1", secret, "kcp-go", 4096));
    }

    @Test
    void noneKeepsNonceAndLittleEndianCrc32InClear() throws Exception {
        DatagramCodec codec = Codecs.create("none", new byte[32], 0, 0);
        byte[] payload = bytes(100);
        byte[] datagram = Collected.encode(codec, payload).getFirst();
        assertThat(codec.headerRoom()).isEqualTo(20);
        assertThat(Arrays.copyOfRange(datagram, 20, datagram.length)).isEqualTo(payload);
        CRC32 crc = new CRC32();
        crc.update(payload);
        long stored = (datagram[16] & 0xFFL)
                | (datagram[17] & 0xFFL) << 8
                | (datagram[18] & 0xFFL) << 16
                | (datagram[19] & 0xFFL) << 24;
        assertThat(stored).isEqualTo(crc.getValue());
    }

    @Test
    void nullHasNoHeaderAtAll() throws Exception {
        DatagramCodec codec = Codecs.create("null", new byte[0], 0, 0);
        byte[] payload = bytes(50);
        assertThat(codec.headerRoom()).isZero();
        assertThat(Collected.encode(codec, payload).getFirst()).isEqualTo(payload);
    }

    @Test
    void aes128GcmIsNonceCiphertextTagWithoutAad() throws Exception {
        byte[] key = bytes(32);
        DatagramCodec codec = Codecs.create("aes-128-gcm", key, 0, 0);
        assertThat(codec.headerRoom()).isEqualTo(12);
        assertThat(codec.trailerRoom()).isEqualTo(16);
        byte[] payload = bytes(200);
        byte[] datagram = Collected.encode(codec, payload).getFirst();
        assertThat(datagram).hasSize(12 + 200 + 16);
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(Arrays.copyOf(key, 16)), 128, Arrays.copyOf(datagram, 12)));
        byte[] plain = new byte[gcm.getOutputSize(datagram.length - 12)];
        int n = gcm.processBytes(datagram, 12, datagram.length - 12, plain, 0);
        n += gcm.doFinal(plain, n);
        assertThat(Arrays.copyOf(plain, n)).isEqualTo(payload);
    }

    @Test
    void noncesDifferBetweenDatagrams() throws Exception {
        DatagramCodec codec = Codecs.create("none", new byte[32], 0, 0);
        byte[] a = Collected.encode(codec, new byte[30]).getFirst();
        byte[] b = Collected.encode(codec, new byte[30]).getFirst();
        assertThat(Arrays.copyOf(a, 16)).isNotEqualTo(Arrays.copyOf(b, 16));
    }

    @Test
    void unknownCipherNamesTheAllowedOnes() {
        assertThatThrownBy(() -> Codecs.create("rot13", new byte[32], 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rot13")
                .hasMessageContaining(
                        "aes, aes-128, aes-192, aes-128-gcm, salsa20, blowfish, twofish, cast5, 3des, tea,"
                                + " xtea, xor, sm4, none, null");
        assertThatThrownBy(() -> Codecs.create("aes", new byte[16], 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 32 key bytes, got 16");
        assertThatThrownBy(() -> Codecs.create("aes", new byte[32], 200, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("datashard 200, parityshard 100");
    }

    private static byte[] jdkPbkdf2(String algorithm, String secret, String salt, int iterations) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), iterations, 256);
        return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
