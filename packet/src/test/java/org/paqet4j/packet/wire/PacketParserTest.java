package org.paqet4j.packet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.paqet4j.packet.wire.TcpPacketTemplateTest.MAC_A;
import static org.paqet4j.packet.wire.TcpPacketTemplateTest.MAC_B;
import static org.paqet4j.packet.wire.TcpPacketTemplateTest.PA;
import static org.paqet4j.packet.wire.TcpPacketTemplateTest.build;
import static org.paqet4j.packet.wire.TcpPacketTemplateTest.ip;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PacketParserTest {

    private final TcpPacket packet = new TcpPacket();

    private ParseResult parse(byte[] data) {
        return PacketParser.parseIp(MemorySegment.ofArray(data), 0, data.length, true, packet);
    }

    @Test
    void builtPacketsParseBackIntoTheirFields() throws Exception {
        for (String[] pair : new String[][] {{"198.18.0.1", "198.18.0.2"}, {"2001:2::1", "2001:2::2"}}) {
            TcpPacketTemplate t = TcpPacketTemplate.of(MAC_A, MAC_B, ip(pair[0]), ip(pair[1]), 4000, 5000);
            byte[] frame = build(t, TcpFlags.SYN | TcpFlags.ACK, 77, 1000, "hello".getBytes());
            ParseResult result =
                    PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, true, packet);
            assertThat(result).isEqualTo(ParseResult.OK);
            assertThat(packet.sourceAddress()).isEqualTo(ip(pair[0]));
            assertThat(packet.destinationAddress()).isEqualTo(ip(pair[1]));
            assertThat(packet.sourcePort()).isEqualTo(4000);
            assertThat(packet.destinationPort()).isEqualTo(5000);
            assertThat(packet.flags()).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
            assertThat(packet.tcpHeaderLength()).isEqualTo(40);
            assertThat(packet.payload()).isEqualTo("hello".getBytes());
        }
    }

    @Test
    void ethernetPaddingBeyondTheIpLengthIsIgnored() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(MAC_A, MAC_B, ip("198.18.0.1"), ip("198.18.0.2"), 1, 2);
        byte[] frame = Arrays.copyOf(build(t, PA, 1, 1, new byte[] {5}), 100);
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, true, packet))
                .isEqualTo(ParseResult.OK);
        assertThat(packet.payloadLength()).isEqualTo(1);
    }

    @Test
    void everyTruncationIsReportedNotThrown() throws Exception {
        for (String address : new String[] {"198.18.0.2", "2001:2::2"}) {
            TcpPacketTemplate t = TcpPacketTemplate.of(
                    null, null, ip(address.contains(":") ? "2001:2::1" : "198.18.0.1"), ip(address), 1, 2);
            byte[] whole = build(t, PA, 1, 1, new byte[] {5, 6});
            for (int length = 0; length < whole.length; length++) {
                assertThat(parse(Arrays.copyOf(whole, length)))
                        .as("%s cut to %d", address, length)
                        .isEqualTo(ParseResult.TRUNCATED);
            }
        }
    }

    @Test
    void corruptedBytesFailTheChecksums() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1, 2);
        byte[] packet4 = build(t, PA, 1, 1, new byte[] {5, 6});
        packet4[packet4.length - 1] ^= 1;
        assertThat(parse(packet4)).isEqualTo(ParseResult.BAD_CHECKSUM);
        byte[] header = build(t, PA, 1, 1, new byte[] {5, 6});
        header[8] = 63; // TTL changed without fixing the header checksum
        assertThat(parse(header)).isEqualTo(ParseResult.BAD_CHECKSUM);
        TcpPacketTemplate t6 = TcpPacketTemplate.of(null, null, ip("2001:2::1"), ip("2001:2::2"), 1, 2);
        byte[] packet6 = build(t6, PA, 1, 1, new byte[] {5, 6});
        packet6[9] ^= 1; // source address is covered by the pseudo-header
        assertThat(parse(packet6)).isEqualTo(ParseResult.BAD_CHECKSUM);
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(packet6), 0, packet6.length, false, packet))
                .isEqualTo(ParseResult.OK);
    }

    @Test
    void segmentsWithoutPayloadAndOtherProtocolsAreNotOurs() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1, 2);
        assertThat(parse(build(t, TcpFlags.RST, 1, 1, new byte[0]))).isEqualTo(ParseResult.NO_PAYLOAD);
        byte[] udp = build(t, PA, 1, 1, new byte[] {1});
        udp[9] = 17;
        assertThat(parse(udp)).isEqualTo(ParseResult.NOT_TCP);
        byte[] fragment = build(t, PA, 1, 1, new byte[] {1});
        fragment[6] = 0x20; // more fragments
        assertThat(parse(fragment)).isEqualTo(ParseResult.NOT_TCP);
        assertThat(parse(new byte[] {0x50, 0, 0})).isEqualTo(ParseResult.NOT_TCP);
        byte[] arp = new byte[60];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(arp), 0, 60, true, packet))
                .isEqualTo(ParseResult.NOT_TCP);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("2001:2::1"), ip("2001:2::2"), 7, 8);
        byte[] plain = build(t, PA, 1, 1, new byte[] {1, 2, 3});
        // insert hop-by-hop (8 bytes: next=60, len 0, PadN) then destination options (next=6)
        byte[] hopByHop = HexFormat.of().parseHex("3c00010400000000");
        byte[] destOpts = HexFormat.of().parseHex("0600010400000000");
        byte[] packet6 = new byte[plain.length + 16];
        System.arraycopy(plain, 0, packet6, 0, 40);
        System.arraycopy(hopByHop, 0, packet6, 40, 8);
        System.arraycopy(destOpts, 0, packet6, 48, 8);
        System.arraycopy(plain, 40, packet6, 56, plain.length - 40);
        packet6[6] = 0;
        int payloadLength = plain.length - 40 + 16;
        packet6[4] = (byte) (payloadLength >>> 8);
        packet6[5] = (byte) payloadLength;
        assertThat(parse(packet6)).isEqualTo(ParseResult.OK);
        assertThat(packet.destinationPort()).isEqualTo(8);
        assertThat(packet.payload()).containsExactly(1, 2, 3);
        packet6[48] = 59; // "no next header" ends the chain
        assertThat(parse(packet6)).isEqualTo(ParseResult.NOT_TCP);
        packet6[48] = 6;
        packet6[49] = 100; // extension longer than the packet
        assertThat(parse(packet6)).isEqualTo(ParseResult.TRUNCATED);
    }
}
