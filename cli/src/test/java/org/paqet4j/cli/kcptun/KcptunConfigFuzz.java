package org.paqet4j.cli.kcptun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.KcpConfig;
import org.paqet4j.cli.config.LoadedConfig;
import picocli.CommandLine;

/**
 * Arbitrary bytes as the {@code -c} JSON of {@code paqet kcptun client|server} (the last byte picks
 * the side), then through the flag translation and the YAML configuration's validation. Each step
 * either succeeds or fails with its own precise error: a {@link KcptunFlagException} naming the file
 * (or the refused flag), then a {@link ConfigException} whose every problem names the field. What
 * loads carries the JSON's values.
 */
class KcptunConfigFuzz {

    /** maxDuration bounds a local fuzzing run (JAZZER_FUZZ=1); CI runs the seeds only. */
    @FuzzTest(maxDuration = "2m")
    void parse(FuzzedDataProvider data) throws KcptunFlagException {
        boolean client = data.consumeBoolean();
        byte[] json = data.consumeRemainingAsBytes();
        KcptunSideCommand side = client ? new KcptunClientCommand() : new KcptunServerCommand();
        new CommandLine(side).parseArgs();
        Map<String, Object> values = side.settings(new ArrayList<>());
        Map<String, Class<?>> types = new LinkedHashMap<>();
        values.forEach((key, value) -> types.put(key, value.getClass()));

        try {
            KcptunJsonConfig.apply("fuzz.json", json, values);
        } catch (KcptunFlagException e) {
            assertThat(e.getMessage()).startsWith("fuzz.json: ");
            return;
        }
        // the file may change values, never add keys or change a value's type
        assertThat(values.keySet()).containsExactlyElementsOf(types.keySet());
        values.forEach((key, value) -> assertThat(value).as(key).isInstanceOf(types.get(key)));

        KcptunTranslation.Result translated;
        try {
            translated = KcptunTranslation.translate(client, values);
        } catch (KcptunFlagException e) {
            assertThat(e.getMessage()).matches("(?s)--(tcp|snmplog): .+");
            return;
        }
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.parse("kcptun flags", translated.yaml());
        } catch (ConfigException e) {
            // the translation writes YAML the loader reads: what is wrong is a value, named by its field
            assertThat(e.problems())
                    .as(translated.yaml())
                    .allSatisfy(p -> assertThat(p.path()).isNotEmpty());
            return;
        }
        KcpConfig kcp = loaded.config().transport().kcp();
        assertThat(kcp.key()).isEqualTo(values.get("key"));
        assertThat(kcp.mtu()).isEqualTo(values.get("mtu"));
        assertThat(kcp.sndwnd()).isEqualTo(values.get("sndwnd"));
        assertThat(kcp.rcvwnd()).isEqualTo(values.get("rcvwnd"));
        assertThat(loaded.config().kcptun().orElseThrow().nocomp()).isEqualTo(values.get("nocomp"));
    }
}
