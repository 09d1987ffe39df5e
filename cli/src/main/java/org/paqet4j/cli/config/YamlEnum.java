package org.paqet4j.cli.config;

import java.util.Locale;

/** An enum whose constants are spelled in YAML as their lower-case names, unless overridden. */
public interface YamlEnum {
    String name();

    default String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
