package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes into the configuration loader: the only failure that may come out is
 * {@link ConfigException}. A configuration that loads must also survive the round trip through
 * the effective configuration {@code run --check} prints.
 */
class ConfigLoaderFuzz {

    /** maxDuration bounds a local fuzzing run (JAZZER_FUZZ=1); CI runs the seeds only. */
    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) throws ConfigException {
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.parse("fuzz.yaml", input);
        } catch (ConfigException expected) {
            assertThat(expected.problems()).isNotEmpty();
            return;
        }
        String effective = EffectiveConfigWriter.write(loaded.config(), true);
        assertThat(ConfigLoader.parse("effective.yaml", effective).config()).isEqualTo(loaded.config());
    }
}
