package org.paqet4j.tunnel.socks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.protocol.Target;

class Socks5CodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void udpHeaderRoundTripsForEveryAddressType() throws Socks5Exception {
        for (Target target : new Target[] {
            new Target("10.1.2.3", 53), new Target("2001:db8::1", 443), new Target("example.com", 8080)
        }) {
            byte[] header = Socks5Codec.datagramHeader(target);
            byte[] datagram = new byte[header.length + 3];
            System.arraycopy(header, 0, datagram, 0, header.length);
            Socks5Datagram decoded = Socks5Codec.decodeDatagram(datagram, datagram.length);
            assertThat(decoded.target()).isEqualTo(target);
            assertThat(decoded.fragment()).isZero();
            assertThat(decoded.dataOffset()).isEqualTo(header.length);
            assertThat(decoded.dataLength()).isEqualTo(3);
        }
    }

    @Test
    void udpHeaderEncodingMatchesRfc1928() {
        assertThat(HEX.formatHex(Socks5Codec.datagramHeader(new Target("10.1.2.3", 53))))
                .isEqualTo("000000010a0102030035");
        assertThat(HEX.formatHex(Socks5Codec.datagramHeader(new Target("a.b", 1))))
                .isEqualTo("0000000303612e620001");
    }

    @Test
    void udpDecoderRejectsTruncationAndReservedBytes() {
        assertThatThrownBy(() -> Socks5Codec.decodeDatagram(HEX.parseHex("000000010a01"), 6))
                .isInstanceOf(Socks5Exception.class)
                .hasMessage("UDP datagram of 6 bytes ends before its IPv4 address and port");
        assertThatThrownBy(() -> Socks5Codec.decodeDatagram(HEX.parseHex("010000010a0102030035"), 10))
                .hasMessage("UDP reserved bytes are 0x0100 (want 0x0000)");
        assertThatThrownBy(() -> Socks5Codec.decodeDatagram(HEX.parseHex("00000003ff6162"), 7))
                .hasMessage("UDP datagram of 7 bytes ends before its domain of 255 bytes and port");
        assertThatThrownBy(() -> Socks5Codec.decodeDatagram(HEX.parseHex("0000000700"), 5))
                .hasMessage("UDP address type 0x07 is not IPv4, domain or IPv6");
    }

    @Test
    void fragmentNumberIsReported() throws Socks5Exception {
        assertThat(Socks5Codec.decodeDatagram(HEX.parseHex("000002010a0102030035ff"), 11)
                        .fragment())
                .isEqualTo(2);
    }

    @Test
    void requestDecoderGivesReplyCodes() {
        assertThatThrownBy(() -> Socks5Codec.readRequest(new ByteArrayInputStream(HEX.parseHex("05010008"))))
                .isInstanceOfSatisfying(
                        Socks5Exception.class, e -> assertThat(e.replyCode()).isEqualTo(8));
        assertThatThrownBy(() -> Socks5Codec.readRequest(new ByteArrayInputStream(HEX.parseHex("0501000300"))))
                .hasMessage("domain is empty");
        assertThatThrownBy(() -> Socks5Codec.readRequest(new ByteArrayInputStream(HEX.parseHex("0501000103"))))
                .hasMessage("client closed after 1 of 4 bytes of the IPv4 address");
        assertThatThrownBy(() -> Socks5Codec.readGreeting(new ByteArrayInputStream(HEX.parseHex("0401"))))
                .hasMessage("greeting version is 0x04 (want 0x05)");
    }
}
