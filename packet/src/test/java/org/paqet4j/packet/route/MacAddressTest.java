package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {

    @Test
    void parsesAndPrintsLowerCaseColonForm() {
        MacAddress mac = MacAddress.parse("AA:bb:0C:dd:Ee:0f");
        assertThat(mac.bits()).isEqualTo(0xAABB0CDDEE0FL);
        assertThat(mac).hasToString("aa:bb:0c:dd:ee:0f");
        assertThat(mac.bytes()).containsExactly(0xAA, 0xBB, 0x0C, 0xDD, 0xEE, 0x0F);
        assertThat(MacAddress.of(mac.bytes())).isEqualTo(mac);
        assertThat(MacAddress.parse("02-00-00-00-00-01")).isEqualTo(new MacAddress(0x020000000001L));
    }

    @Test
    void rejectsMalformedTextPrecisely() {
        assertThatThrownBy(() -> MacAddress.parse("aa:bb:cc:dd:ee"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'aa:bb:cc:dd:ee'")
                .hasMessageContaining("got 14 characters");
        assertThatThrownBy(() -> MacAddress.parse("aa:bb:cc:dd:ee:gg"))
                .hasMessageContaining("octet 6 'gg' is not hexadecimal");
        assertThatThrownBy(() -> MacAddress.parse("aa:bb.cc:dd:ee:ff"))
                .hasMessageContaining("expected ':' at position 5, got '.'");
        assertThatThrownBy(() -> MacAddress.parse(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> new MacAddress(1L << 48)).hasMessageContaining("48 bits");
        assertThatThrownBy(() -> MacAddress.of(new byte[5])).hasMessageContaining("6 bytes, got 5");
    }
}
