package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void parsesBytesAndBinaryUnits() {
        assertThat(ByteSize.parse("64MiB")).contains(64L << 20);
        assertThat(ByteSize.parse("512 KiB")).contains(512L << 10);
        assertThat(ByteSize.parse("2GiB")).contains(2L << 30);
        assertThat(ByteSize.parse("1000")).contains(1000L);
        assertThat(ByteSize.parse("7B")).contains(7L);
        assertThat(ByteSize.parse("512K")).contains(512L << 10);
        assertThat(ByteSize.parse("64M")).contains(64L << 20);
        assertThat(ByteSize.parse("1G")).contains(1L << 30);
    }

    @Test
    void rejectsWhatIsNotASize() {
        assertThat(ByteSize.parse("64MB")).isEmpty();
        assertThat(ByteSize.parse("-1MiB")).isEmpty();
        assertThat(ByteSize.parse("MiB")).isEmpty();
        assertThat(ByteSize.parse("1.5GiB")).isEmpty();
        assertThat(ByteSize.parse("999999999999GiB")).isEmpty();
    }

    @Test
    void formatsTheShortestExactText() {
        assertThat(ByteSize.format(64L << 20)).isEqualTo("64MiB");
        assertThat(ByteSize.format(1536L << 10)).isEqualTo("1536KiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000");
        assertThat(ByteSize.parse(ByteSize.format(3L << 30))).contains(3L << 30);
    }

    @Test
    void memoryZeroIsAQuarterOfTheHeapButAtLeastTheMinimum() {
        LimitsConfig auto = limits(0);
        assertThat(auto.memoryBytes(1L << 30)).isEqualTo(256L << 20);
        assertThat(auto.memoryBytes(8L << 20)).isEqualTo(ConfigDefaults.MIN_MEMORY);
        assertThat(limits(64L << 20).memoryBytes(1L << 30)).isEqualTo(64L << 20);
    }

    private static LimitsConfig limits(long memory) {
        Duration s = Duration.ofSeconds(1);
        return new LimitsConfig(1, 1, 1, s, s, s, 0, 1, s, memory);
    }
}
