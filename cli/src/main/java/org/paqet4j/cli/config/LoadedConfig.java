package org.paqet4j.cli.config;

import java.util.List;

/** A valid configuration and the warnings about it (legal but probably not what was meant). */
public record LoadedConfig(PaqetConfig config, List<ConfigProblem> warnings) {
    public LoadedConfig {
        warnings = List.copyOf(warnings);
    }
}
