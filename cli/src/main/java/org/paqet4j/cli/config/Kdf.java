package org.paqet4j.cli.config;

/** How the cipher key is derived from transport.kcp.key: PBKDF2-SHA256 with salt "paqet" (100000 rounds) or PBKDF2-SHA1 with salt "kcp-go" (4096 rounds). */
public enum Kdf implements YamlEnum {
    PAQET,
    KCPTUN
}
