package org.paqet4j.packet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Arbitrary bytes into the parser, as an Ethernet frame (first byte even) or a raw IP packet (odd),
 * with and without checksum verification. The parser declares no exception at all, so anything
 * thrown is a bug; an accepted packet's fields must lie inside the input.
 */
class PacketParserFuzz {

    @FuzzTest
    void parse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean ethernet = (input[0] & 1) == 0;
        byte[] packet = Arrays.copyOfRange(input, 1, input.length);
        MemorySegment segment = MemorySegment.ofArray(packet);
        TcpPacket parsed = new TcpPacket();
        for (boolean verify : new boolean[] {true, false}) {
            ParseResult result = ethernet
                    ? PacketParser.parseEthernet(segment, 0, packet.length, verify, parsed)
                    : PacketParser.parseIp(segment, 0, packet.length, verify, parsed);
            if (result == ParseResult.OK) {
                assertThat(parsed.payloadLength()).isPositive();
                assertThat(parsed.payloadOffset() + parsed.payloadLength()).isLessThanOrEqualTo(packet.length);
                assertThat(parsed.tcpOffset() + parsed.tcpHeaderLength()).isEqualTo(parsed.payloadOffset());
                assertThat(parsed.sourceAddressOffset() + parsed.addressLength())
                        .isLessThanOrEqualTo(packet.length);
                assertThat(parsed.ipVersion()).isIn(4, 6);
            }
        }
    }
}
