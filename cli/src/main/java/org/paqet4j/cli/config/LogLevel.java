package org.paqet4j.cli.config;

/** paqet's log levels. {@code none} switches logging off; {@code fatal} logs errors only. */
public enum LogLevel implements YamlEnum {
    NONE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL
}
