package org.paqet4j.cli.config;

/** Whether this process dials the tunnel (client) or accepts it (server). */
public enum Role implements YamlEnum {
    CLIENT,
    SERVER
}
