package org.paqet4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary text into {@link Impairment#parse}: the only exception allowed is its declared
 * IllegalArgumentException naming the spec; whatever it accepts prints back (toString) to text it
 * parses to the same values (probabilities within floating-point rounding).
 */
class ImpairmentFuzz {

    @FuzzTest
    void parse(byte[] input) {
        String spec = new String(input, StandardCharsets.UTF_8);
        Impairment parsed;
        try {
            parsed = Impairment.parse(spec);
        } catch (IllegalArgumentException e) {
            assertThat(e).hasMessageStartingWith("impairment \"");
            return;
        }
        Impairment again = Impairment.parse(parsed.toString());
        assertThat(again.delay()).isEqualTo(parsed.delay());
        assertThat(again.jitter()).isEqualTo(parsed.jitter());
        assertThat(again.limit()).isEqualTo(parsed.limit());
        assertThat(again.rateBitsPerSecond()).isEqualTo(parsed.rateBitsPerSecond());
        assertThat(again.loss()).isCloseTo(parsed.loss(), within(1e-12));
        assertThat(again.reorder()).isCloseTo(parsed.reorder(), within(1e-12));
        assertThat(again.duplicate()).isCloseTo(parsed.duplicate(), within(1e-12));
    }
}
