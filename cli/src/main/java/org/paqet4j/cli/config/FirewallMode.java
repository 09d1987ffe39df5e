package org.paqet4j.cli.config;

/** Whether paqet4j installs (and removes) the NOTRACK and RST-drop rules the raw carrier needs. */
public enum FirewallMode implements YamlEnum {
    AUTO,
    OFF
}
