package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class MacAddressProperties {

    @Property
    void textAndBytesRoundTrip(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long bits) {
        MacAddress mac = new MacAddress(bits);
        assertThat(MacAddress.parse(mac.toString())).isEqualTo(mac);
        assertThat(MacAddress.parse(mac.toString().toUpperCase())).isEqualTo(mac);
        assertThat(MacAddress.of(mac.bytes())).isEqualTo(mac);
        assertThat(mac.toString()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    }
}
