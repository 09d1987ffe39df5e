package org.paqet4j.cli.config;

/**
 * kcp-go's block ciphers as paqet names them, with the number of derived key bytes each uses.
 * {@code none} keeps the nonce+CRC header and encrypts nothing; {@code null} has no header.
 */
public enum BlockCrypt implements YamlEnum {
    AES("aes", 32),
    AES_128("aes-128", 16),
    AES_128_GCM("aes-128-gcm", 16),
    AES_192("aes-192", 24),
    SALSA20("salsa20", 32),
    BLOWFISH("blowfish", 32),
    TWOFISH("twofish", 32),
    CAST5("cast5", 16),
    TRIPLE_DES("3des", 24),
    TEA("tea", 16),
    XTEA("xtea", 16),
    XOR("xor", 32),
    SM4("sm4", 16),
    NONE("none", 32),
    NULL("null", 0);

    private final String yamlName;
    private final int keyBytes;

    BlockCrypt(String yamlName, int keyBytes) {
        this.yamlName = yamlName;
        this.keyBytes = keyBytes;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** How many bytes of the 32-byte derived key the cipher takes. */
    public int keyBytes() {
        return keyBytes;
    }

    /** Whether the datagrams are encrypted (and therefore a key is needed). */
    public boolean encrypts() {
        return this != NONE && this != NULL;
    }
}
