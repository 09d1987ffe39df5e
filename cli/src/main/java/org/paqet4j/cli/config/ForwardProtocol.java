package org.paqet4j.cli.config;

/** What a port forward listens for and carries. */
public enum ForwardProtocol implements YamlEnum {
    TCP,
    UDP
}
