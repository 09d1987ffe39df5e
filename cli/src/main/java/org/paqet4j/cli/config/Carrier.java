package org.paqet4j.cli.config;

/** How KCP datagrams travel: inside hand-made TCP packets below the OS stack (paqet), or as plain UDP (kcptun). */
public enum Carrier implements YamlEnum {
    RAW,
    UDP
}
