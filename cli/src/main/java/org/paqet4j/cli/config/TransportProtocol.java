package org.paqet4j.cli.config;

/** The tunnel transport; paqet defines only KCP. */
public enum TransportProtocol implements YamlEnum {
    KCP
}
