package org.paqet4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImpairmentTest {

    @Test
    void parsesTheNetemExampleFromTheBrief() {
        Impairment impairment = Impairment.parse("loss 5% delay 20ms 5ms reorder 25% duplicate 1% rate 100mbit");
        assertThat(impairment)
                .isEqualTo(new Impairment(
                        0.05,
                        Duration.ofMillis(20),
                        Duration.ofMillis(5),
                        0.25,
                        0.01,
                        100_000_000,
                        Impairment.DEFAULT_LIMIT));
        assertThat(impairment.immediate()).isFalse();
    }

    @Test
    void emptyIsNoneAndImmediate() {
        assertThat(Impairment.parse("  ")).isEqualTo(Impairment.NONE);
        assertThat(Impairment.NONE.immediate()).isTrue();
        assertThat(Impairment.parse("loss 1% duplicate 2%").immediate()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "delay 250us, 250000",
        "delay 250usec, 250000",
        "delay 1.5ms, 1500000",
        "delay 2msec, 2000000",
        "delay 1s, 1000000000",
        "delay 2sec, 2000000000",
        "delay 100, 100000",
        "DELAY 3MS, 3000000"
    })
    void timeUnits(String spec, long nanos) {
        assertThat(Impairment.parse(spec).delay()).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource({
        "rate 8bit, 8",
        "rate 64kbit, 64000",
        "rate 100mbit, 100000000",
        "rate 1gbit, 1000000000",
        "rate 1bps, 8",
        "rate 2kbps, 16000",
        "rate 1mbps, 8000000",
        "rate 1gbps, 8000000000",
        "rate 125, 1000",
        "rate 1.5mbit, 1500000"
    })
    void rateUnits(String spec, long bits) {
        assertThat(Impairment.parse(spec).rateBitsPerSecond()).isEqualTo(bits);
    }

    @Test
    void percentagesWithoutThePercentSign() {
        assertThat(Impairment.parse("loss 0.5 reorder 100 duplicate 0").loss()).isEqualTo(0.005);
        assertThat(Impairment.parse("reorder 100").reorder()).isEqualTo(1.0);
    }

    @Test
    void optionsInAnyOrderWithLimit() {
        Impairment impairment = Impairment.parse("limit 50 duplicate 3% delay 7ms loss 1%");
        assertThat(impairment.limit()).isEqualTo(50);
        assertThat(impairment.duplicate()).isEqualTo(0.03);
        assertThat(impairment.delay()).isEqualTo(Duration.ofMillis(7));
        assertThat(impairment.jitter()).isZero();
    }

    @Test
    void toStringParsesBackToTheSameImpairment() {
        for (String spec : new String[] {
            "loss 5% delay 20ms 5ms reorder 25% duplicate 1% rate 100mbit",
            "delay 1us",
            "loss 0.01%",
            "limit 3",
            "",
            "rate 123456bit duplicate 99.5%"
        }) {
            Impairment impairment = Impairment.parse(spec);
            assertThat(Impairment.parse(impairment.toString())).isEqualTo(impairment);
        }
        assertThat(Impairment.parse("loss 5% delay 20ms 5ms").toString())
                .isEqualTo("loss 5% delay 20000us 5000us limit 1000");
        assertThat(Impairment.parse("delay 0.0005ms").toString()).isEqualTo("delay 0.5us limit 1000");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "loss | impairment \"loss\", word 2: 'loss' needs a value",
                "loss 5% loss 1% | impairment \"loss 5% loss 1%\", word 3: 'loss' given twice",
                "loss 101% | impairment \"loss 101%\", word 2: loss percentage '101%' is outside 0..100%",
                "loss -1% | impairment \"loss -1%\", word 2: loss percentage '-1' is not a number",
                "loss five | impairment \"loss five\", word 2: loss percentage 'five' is not a number",
                "delay 20ms 5xs | impairment \"delay 20ms 5xs\", word 3: delay jitter '5xs' has unknown unit 'xs' (expected us, ms or s)",
                "delay ms | impairment \"delay ms\", word 2: delay '' is not a number",
                "delay 1.2.3ms | impairment \"delay 1.2.3ms\", word 2: delay '1.2.3' is not a number",
                "rate 10mb | impairment \"rate 10mb\", word 2: rate '10mb' has unknown unit 'mb' (expected bit, kbit, mbit, gbit, bps, kbps, mbps or gbps)",
                "rate 0bit | impairment \"rate 0bit\", word 2: rate '0bit' must be positive",
                "limit 0 | impairment \"limit 0\", word 2: limit '0' must be at least 1",
                "limit many | impairment \"limit many\", word 2: limit 'many' is not a whole number of frames",
                "corrupt 1% | impairment \"corrupt 1%\", word 1: unknown option 'corrupt' (expected loss, delay, reorder, duplicate, rate or limit)",
                "delay 59min | impairment \"delay 59min\", word 2: delay '59min' has unknown unit 'min' (expected us, ms or s)",
                "delay 3000s 601s | impairment \"delay 3000s 601s\", word 2: delay plus jitter exceeds 1 hour",
                "delay 5ms 2ms 1ms | impairment \"delay 5ms 2ms 1ms\", word 4: unknown option '1ms' (expected loss, delay, reorder, duplicate, rate or limit)"
            })
    void errorsNameTheWordAndTheProblem(String spec, String message) {
        assertThatThrownBy(() -> Impairment.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void constructorRefusesNonsense() {
        assertThatThrownBy(() -> Impairment.NONE.withLoss(1.5))
                .hasMessage("loss must be a probability between 0 and 1, not 1.5");
        assertThatThrownBy(() -> Impairment.NONE.withLoss(Double.NaN))
                .hasMessage("loss must be a probability between 0 and 1, not NaN");
        assertThatThrownBy(() -> Impairment.NONE.withDelay(Duration.ofMillis(-1), Duration.ZERO))
                .hasMessage("delay must be zero or positive, not PT-0.001S");
        assertThatThrownBy(() -> Impairment.NONE.withRate(-1))
                .hasMessage("rate must be zero (unlimited) or positive, not -1");
        assertThatThrownBy(() -> Impairment.NONE.withLimit(0)).hasMessage("limit must be at least 1, not 0");
    }
}
