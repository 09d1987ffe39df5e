package org.paqet4j.kcp.codec;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.engines.BlowfishEngine;
import org.bouncycastle.crypto.engines.CAST5Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.engines.TwofishEngine;
import org.bouncycastle.crypto.engines.XTEAEngine;

/** Builds kcp-go datagram codecs by cipher name, as paqet and kcptun name them. */
public final class Codecs {

    /**
     * Every cipher name {@link #create} accepts: kcptun's list, kcp-go's AEAD {@code aes-128-gcm},
     * and {@code null} (no crypto header at all, unlike {@code none} which keeps nonce and CRC).
     */
    public static final List<String> CIPHERS = List.of(
            "aes",
            "aes-128",
            "aes-192",
            "aes-128-gcm",
            "salsa20",
            "blowfish",
            "twofish",
            "cast5",
            "3des",
            "tea",
            "xtea",
            "xor",
            "sm4",
            "none",
            "null");

    private Codecs() {}

    /**
     * Creates a codec for {@code crypt} keyed with a prefix of {@code derivedKey} (the 32 bytes of
     * {@link KeyDerivation}; aes uses all 32 = AES-256, aes-192 and 3des 24, aes-128, aes-128-gcm,
     * cast5, tea, xtea and sm4 16, salsa20, blowfish, twofish and xor 32, as kcptun slices them).
     * FEC is on when both shard counts are positive.
     *
     * @throws IllegalArgumentException for an unknown cipher name, a key too short for the cipher
     *                                  or shard counts outside what kcp-go accepts
     */
    public static DatagramCodec create(String crypt, byte[] derivedKey, int dataShards, int parityShards) {
        if (dataShards < 0 || parityShards < 0 || dataShards + parityShards > 256) {
            throw new IllegalArgumentException("FEC shards must be >= 0 with at most 256 in total, got datashard "
                    + dataShards + ", parityshard " + parityShards);
        }
        return new KcpGoCodec(layer(crypt, derivedKey, new SecureRandom()), dataShards, parityShards);
    }

    private static CryptoLayer layer(String crypt, byte[] key, SecureRandom seeds) {
        if (crypt == null || !CIPHERS.contains(crypt)) {
            throw new IllegalArgumentException(
                    "unknown cipher '" + crypt + "'; allowed: " + String.join(", ", CIPHERS));
        }
        return switch (crypt) {
            case "null" -> new PlainLayer();
            case "aes-128-gcm" -> new GcmLayer(prefix(crypt, key, 16), new NonceGenerator(seeds));
            default -> new CrcCipherLayer(transform(crypt, key), new NonceGenerator(seeds));
        };
    }

    private static StreamTransform transform(String crypt, byte[] key) {
        return switch (crypt) {
            case "aes" -> new JcaCfb("AES", prefix(crypt, key, 32));
            case "aes-128" -> new JcaCfb("AES", prefix(crypt, key, 16));
            case "aes-192" -> new JcaCfb("AES", prefix(crypt, key, 24));
            case "3des" -> new JcaCfb("DESede", prefix(crypt, key, 24));
            case "salsa20" -> new Salsa20(prefix(crypt, key, 32));
            case "blowfish" -> new BlockCfb(new BouncyCastleBlock(new BlowfishEngine(), prefix(crypt, key, 32)));
            case "twofish" -> new BlockCfb(new BouncyCastleBlock(new TwofishEngine(), prefix(crypt, key, 32)));
            case "cast5" -> new BlockCfb(new BouncyCastleBlock(new CAST5Engine(), prefix(crypt, key, 16)));
            case "sm4" -> new BlockCfb(new BouncyCastleBlock(new SM4Engine(), prefix(crypt, key, 16)));
            case "xtea" -> new BlockCfb(new BouncyCastleBlock(new XTEAEngine(), prefix(crypt, key, 16)));
            // kcp-go: tea.NewCipherWithRounds(key, 16), i.e. 8 TEA cycles.
            case "tea" -> new BlockCfb(new Tea(prefix(crypt, key, 16), 16));
            case "xor" -> new XorTable(prefix(crypt, key, 32));
            case "none" -> new NoneTransform();
            default ->
                throw new IllegalArgumentException(
                        "unknown cipher '" + crypt + "'; allowed: " + String.join(", ", CIPHERS));
        };
    }

    private static byte[] prefix(String crypt, byte[] key, int length) {
        if (key == null || key.length < length) {
            throw new IllegalArgumentException(
                    "cipher " + crypt + " needs " + length + " key bytes, got " + (key == null ? "none" : key.length));
        }
        return Arrays.copyOf(key, length);
    }
}
