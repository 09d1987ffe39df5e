package org.paqet4j.packet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpFlagsTest {

    @Test
    void lettersParseIntoPaqetMasks() {
        assertThat(TcpFlags.parse("PA")).isEqualTo((short) 24);
        assertThat(TcpFlags.parse("S")).isEqualTo((short) 2);
        assertThat(TcpFlags.parse("SA")).isEqualTo((short) 18);
        assertThat(TcpFlags.parse("FSRPAUECN")).isEqualTo((short) 0x1FF);
        assertThat(TcpFlags.parse("")).isZero();
        assertThat(TcpFlags.parse("AP")).isEqualTo(TcpFlags.parse("PA"));
    }

    @Test
    void badLetterIsNamedWithItsPosition() {
        assertThatThrownBy(() -> TcpFlags.parse("Px"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x' at position 1 of \"Px\"")
                .hasMessageContaining("F S R P A U E C N");
        assertThatThrownBy(() -> TcpFlags.parse("pa")).hasMessageContaining("'p' at position 0");
    }

    @Test
    void listsNameTheConfigurationKeyAndIndex() {
        assertThat(TcpFlags.parseList(List.of("PA", "A"), "network.tcp.local_flag"))
                .containsExactly((short) 24, (short) 16);
        assertThatThrownBy(() -> TcpFlags.parseList(List.of("PA", "Q"), "network.tcp.local_flag"))
                .hasMessageStartingWith("network.tcp.local_flag[1]: invalid TCP flag 'Q'");
        assertThatThrownBy(() -> TcpFlags.parseList(List.of(), "network.tcp.remote_flag"))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> TcpFlags.parseList(Collections.nCopies(65, "A"), "x"))
                .hasMessageContaining("65 flag combinations exceed the maximum of 64");
    }

    @Test
    void masksPrintAsCanonicalLetters() {
        assertThat(TcpFlags.toLetters(24)).isEqualTo("PA");
        assertThat(TcpFlags.toLetters(0x1FF)).isEqualTo("FSRPAUECN");
        assertThat(TcpFlags.toLetters(TcpFlags.ALL)).isEqualTo("FSRPAUECN");
        assertThat(TcpFlags.toLetters(0)).isEmpty();
    }
}
