package org.paqet4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void parsesBytesAndBinaryUnits() {
        assertThat(ByteSize.parse("1048576").bytes()).isEqualTo(1_048_576);
        assertThat(ByteSize.parse("512K").bytes()).isEqualTo(512 * 1024);
        assertThat(ByteSize.parse("100M").bytes()).isEqualTo(100L << 20);
        assertThat(ByteSize.parse("100MiB").bytes()).isEqualTo(100L << 20);
        assertThat(ByteSize.parse("2G").bytes()).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("64 MiB").bytes()).isEqualTo(64L << 20);
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThatThrownBy(() -> ByteSize.parse("lots"))
                .hasMessage("\"lots\" is not a size (e.g. 1048576, 512K, 100M, 1G, 64MiB)");
        assertThatThrownBy(() -> ByteSize.parse("0")).hasMessage("\"0\" is out of range (at least 1 byte)");
        assertThatThrownBy(() -> ByteSize.parse("-5M")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSize.parse("99999999999G")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSize.parse("64MB")).hasMessageContaining("is not a size");
    }

    @Test
    void formatsForPeople() {
        assertThat(ByteSize.format(900)).isEqualTo("900 B");
        assertThat(ByteSize.format(64L << 20)).isEqualTo("64.0 MiB");
        assertThat(new ByteSize(1536).toString()).isEqualTo("1.5 KiB");
    }
}
