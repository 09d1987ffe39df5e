package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AddressTextTest {

    @Test
    void ipv6IsCompressedAsRfc5952Says() {
        assertThat(v6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(v6("2001:2:e::1")).isEqualTo("2001:2:e::1");
        assertThat(v6("::")).isEqualTo("::");
        assertThat(v6("fe80::1:0")).isEqualTo("fe80::1:0");
        assertThat(v6("1:0:0:2:0:0:0:3")).isEqualTo("1:0:0:2::3");
        assertThat(v6("1:2:3:4:5:6:7:0")).isEqualTo("1:2:3:4:5:6:7:0");
        assertThat(v6("1:0:2:3:4:5:6:7")).isEqualTo("1:0:2:3:4:5:6:7");
        assertThat(v6("2001:DB8:0:0:0:0:0:0")).isEqualTo("2001:db8::");
    }

    @Test
    void endpointsHaveNoSlashAndBracketIpv6() {
        assertThat(AddressText.of(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.2"), 9999)))
                .isEqualTo("198.18.0.2:9999");
        assertThat(AddressText.of(new InetSocketAddress(InetAddress.ofLiteral("::"), 29900)))
                .isEqualTo("[::]:29900");
        assertThat(AddressText.of(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 29900)))
                .isEqualTo("0.0.0.0:29900");
        assertThat(AddressText.of(InetSocketAddress.createUnresolved("example.test", 443)))
                .isEqualTo("example.test:443");
        assertThat(AddressText.of(InetAddress.ofLiteral("2001:db8::1"), 80)).isEqualTo("[2001:db8::1]:80");
    }

    @Test
    void scopedAddressKeepsItsScope() throws UnknownHostException {
        Inet6Address scoped =
                Inet6Address.getByAddress(null, InetAddress.ofLiteral("fe80::1").getAddress(), 3);
        assertThat(AddressText.of(scoped)).isEqualTo("fe80::1%3");
    }

    @Test
    void rejectsWrongLength() {
        assertThatThrownBy(() -> AddressText.ipv6(new byte[4])).hasMessageContaining("got 4");
    }

    @Property
    void compressedTextParsesBackToTheSameAddress(@ForAll @Size(16) byte[] address) {
        String text = AddressText.ipv6(address);
        assertThat(sixteenBytes(InetAddress.ofLiteral(text))).isEqualTo(address);
        assertThat(text).doesNotContain(":::").matches("[0-9a-f:]+");
        assertThat(text.indexOf("::")).isEqualTo(text.lastIndexOf("::"));
    }

    /** The JDK folds IPv4-mapped text (::ffff:a.b.c.d) into an IPv4 address; unfold it. */
    private static byte[] sixteenBytes(InetAddress parsed) {
        byte[] raw = parsed.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    private static String v6(String literal) {
        return AddressText.ipv6(InetAddress.ofLiteral(literal).getAddress());
    }
}
